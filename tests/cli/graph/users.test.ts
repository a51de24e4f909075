// Entra ID user attributes: where Graph holds each provisioning attribute, and reading one user for `doctor`.
import { expect } from "chai";
import { graphClient } from "../../../cli/graph/client";
import {
  CANDIDATE_ATTRIBUTES,
  graphPropertyOf,
  readUserAttribute,
  selectFor,
  userAttributeValue,
} from "../../../cli/graph/users";
import { startGraphServer, type GraphServer } from "../../../testing/graphServer";
import { emptyTenant, tenantUser } from "../../../testing/graphTenant";

describe("cli/graph: users", () => {
  const ext = "extension_0123456789abcdef0123456789abcdef_linuxUser";
  const user = {
    id: "u-1",
    userPrincipalName: "alice@example.com",
    onPremisesSamAccountName: "alice",
    employeeId: 10042,
    mailNickname: "",
    onPremisesExtensionAttributes: { extensionAttribute1: null, extensionAttribute7: "alice7" },
    [ext]: "alice-ext",
  };

  it("lists the candidates in the provisioning engine's names", () => {
    expect(CANDIDATE_ATTRIBUTES.slice(0, 3)).to.deep.equal([
      "onPremisesSamAccountName",
      "employeeId",
      "mailNickname",
    ]);
    expect(CANDIDATE_ATTRIBUTES).to.include("extensionAttribute15").and.have.length(18);
  });

  it("maps provisioning attributes to Graph user properties and a $select", () => {
    expect(graphPropertyOf("extensionAttribute7")).to.equal(
      "onPremisesExtensionAttributes.extensionAttribute7",
    );
    expect(graphPropertyOf("extensionAttribute16")).to.equal("extensionAttribute16");
    expect(graphPropertyOf("objectId")).to.equal("id");
    expect(graphPropertyOf(ext)).to.equal(ext);
    expect(selectFor(["x&$top=1"])).to.equal("id,userPrincipalName,mail,displayName,x%26%24top%3D1");
    expect(selectFor(["employeeId", "extensionAttribute3", "extensionAttribute4", ext])).to.equal(
      `id,userPrincipalName,mail,displayName,employeeId,onPremisesExtensionAttributes,${ext}`,
    );
  });

  it("reads a value; null, empty and absent are no value", () => {
    expect(userAttributeValue(user, "onPremisesSamAccountName")).to.equal("alice");
    expect(userAttributeValue(user, "employeeId")).to.equal("10042");
    expect(userAttributeValue(user, "extensionAttribute7")).to.equal("alice7");
    expect(userAttributeValue(user, ext)).to.equal("alice-ext");
    expect(userAttributeValue(user, "mailNickname")).to.equal(undefined);
    expect(userAttributeValue(user, "extensionAttribute1")).to.equal(undefined);
    expect(userAttributeValue(user, "extensionAttribute2")).to.equal(undefined);
  });

  describe("readUserAttribute, against the Graph server", () => {
    let server: GraphServer;
    before(async () => {
      server = await startGraphServer();
    });
    after(() => server.close());

    it("finds the user by userPrincipalName or mail and reads the attribute", async () => {
      const tenant = emptyTenant();
      tenant.users.push(
        tenantUser("alice@corp.example.com", { mail: "Alice.Liddell@example.com", employeeId: "alice" }),
        tenantUser("o'brien@corp.example.com", { employeeId: null }),
      );
      server.reset(tenant);
      const graph = graphClient({ endpoint: server.endpoint, token: async () => server.env.MS_GRAPH_TOKEN });
      const byMail = await readUserAttribute(graph, "alice.liddell@example.com", "employeeId");
      expect(byMail?.user.userPrincipalName).to.equal("alice@corp.example.com");
      expect(byMail?.value).to.equal("alice");
      const quoted = await readUserAttribute(graph, "o'brien@corp.example.com", "employeeId");
      expect(quoted?.user.userPrincipalName).to.equal("o'brien@corp.example.com");
      expect(quoted?.value).to.equal(undefined);
      expect(await readUserAttribute(graph, "nobody@example.com", "employeeId")).to.equal(undefined);
      expect(server.requests[0].path).to.equal(
        "/users?$filter=userPrincipalName eq 'alice.liddell@example.com' or mail eq 'alice.liddell@example.com'&$select=id,userPrincipalName,mail,displayName,employeeId",
      );
    });
  });
});
