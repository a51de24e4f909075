// Identity-store attribute paths, and the users whose value cannot be their Linux user.
import { expect } from "chai";
import { attributeValue, classifyUsers, scimTargetAttribute } from "../../cli/userAttributes";
import { sessionUserProblem } from "../../policypack/rules/values";

describe("cli: identity-store attributes", () => {
  const user = {
    UserId: "u-1",
    IdentityStoreId: "d-1234567890",
    UserName: "Alice@example.com",
    NickName: "alice",
    Name: { GivenName: "Alice", FamilyName: "Liddell" },
    Emails: [
      { Value: "alt@example.com", Primary: false },
      { Value: "alice@example.com", Primary: true },
    ],
    Addresses: [
      { Type: "home", Locality: "Oxford" },
      { Type: "Work", Locality: "London" },
    ],
    Extensions: { "aws:identitystore:enterprise": { employeeNumber: "a10042", costCenter: 4711 } },
  };

  it("resolves standard, filtered and enterprise paths as IdC documents them", () => {
    expect(attributeValue(user, "userName")).to.equal("Alice@example.com");
    expect(attributeValue(user, "nickName")).to.equal("alice");
    expect(attributeValue(user, "name.familyName")).to.equal("Liddell");
    expect(attributeValue(user, "emails[primary eq true].value")).to.equal("alice@example.com");
    expect(attributeValue(user, 'addresses[type eq "work"].locality')).to.equal("London");
    expect(attributeValue(user, "enterprise.employeeNumber")).to.equal("a10042");
    expect(attributeValue(user, "enterprise.costCenter")).to.equal("4711");
  });

  it("answers undefined for an absent or empty attribute", () => {
    expect(attributeValue(user, "title")).to.equal(undefined);
    expect(attributeValue(user, "enterprise.department")).to.equal(undefined);
    expect(attributeValue({ ...user, NickName: "" }, "nickName")).to.equal(undefined);
    expect(attributeValue({ ...user, Extensions: undefined }, "enterprise.employeeNumber")).to.equal(
      undefined,
    );
  });

  it("flags users whose value is missing, not a Linux user, root, or shared", () => {
    const rows = classifyUsers(
      [
        { userId: "1", userName: "ann", value: "ann" },
        { userId: "2", userName: "bob", value: undefined },
        { userId: "3", userName: "cat", value: "Cat.Smith" },
        { userId: "4", userName: "dan", value: "shared" },
        { userId: "5", userName: "eve", value: "shared" },
        { userId: "6", userName: "fay", value: "root" },
      ],
      "nickName",
    );
    expect(rows.map(({ userName, status }) => `${userName}:${status}`)).to.deep.equal([
      "ann:OK",
      "bob:MISSING",
      "cat:INVALID",
      "dan:DUPLICATE",
      "eve:DUPLICATE",
      "fay:INVALID",
    ]);
    expect(rows[3].detail).to.equal("also the value of eve");
    expect(rows[5].detail).to.equal("root is refused: sessions must not fall back to the superuser");
  });

  it("applies the stack's Linux user rule", () => {
    expect(sessionUserProblem("ssm-fallback")).to.equal(undefined);
    expect(sessionUserProblem("_svc")).to.equal(undefined);
    expect(sessionUserProblem("9lives")).to.match(/not a Linux user name/);
    expect(sessionUserProblem("a".repeat(33))).to.match(/not a Linux user name/);
  });
});

describe("cli: the SCIM attribute Entra ID provisions for an ABAC path", () => {
  it("prefixes the enterprise extension, sends the primary email as the work email, keeps the rest", () => {
    expect(scimTargetAttribute("enterprise.employeeNumber")).to.equal(
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    );
    expect(scimTargetAttribute("enterprise.manager.value")).to.equal(
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    );
    expect(scimTargetAttribute("emails[primary eq true].value")).to.equal('emails[type eq "work"].value');
    for (const path of ["userName", "nickName", "name.givenName", 'addresses[type eq "work"].locality']) {
      expect(scimTargetAttribute(path)).to.equal(path);
    }
  });
});
