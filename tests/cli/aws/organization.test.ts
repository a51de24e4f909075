// The organisation walk on the SDK's paginators (aws-sdk-client-mock): every page of accounts and OUs is read,
// one call at a time, and each account is yielded once with its OU path, by id and by name.
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  DescribeOrganizationalUnitCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  type ListAccountsForParentCommandInput,
  type ListOrganizationalUnitsForParentCommandInput,
} from "@aws-sdk/client-organizations";
import { accountsInScope, type OrganizationAccount } from "../../../cli/aws/organization";
import { ouPathName } from "../../../cli/auditContext";

// r-root: accounts a1..a3 over two pages, OU ou-a (two pages of OUs: ou-a-1, ou-a-2); ou-a-1 holds a4 (suspended).
const ACCOUNT_PAGES: Record<string, { Id: string; State: string }[][]> = {
  "r-root": [
    [
      { Id: "a1", State: "ACTIVE" },
      { Id: "a2", State: "ACTIVE" },
    ],
    [{ Id: "a3", State: "ACTIVE" }],
  ],
  "ou-a": [[]],
  "ou-a-1": [[{ Id: "a4", State: "SUSPENDED" }]],
  "ou-a-2": [[{ Id: "a5", State: "ACTIVE" }]],
};
const UNIT_NAMES: Record<string, string> = { "ou-a": "Workloads", "ou-a-1": "Prod", "ou-a-2": "Test" };
const UNIT_PAGES: Record<string, string[][]> = {
  "r-root": [["ou-a"]],
  "ou-a": [["ou-a-1"], ["ou-a-2"]],
  "ou-a-1": [[]],
  "ou-a-2": [[]],
};

function paged<Item>(pages: Item[][], token: string | undefined) {
  const index = token === undefined ? 0 : Number(token);
  return { items: pages[index], NextToken: index + 1 < pages.length ? String(index + 1) : undefined };
}

describe("accountsInScope (the SDK's paginators)", () => {
  let org: AwsClientStub<OrganizationsClient>;
  const asked: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const track = async <T>(call: string, answer: () => T): Promise<T> => {
    asked.push(call);
    peak = Math.max(peak, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    return answer();
  };

  before(() => {
    org = mockClient(OrganizationsClient);
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: "r-root", Name: "Root" }] });
    // Asked only for the OUs above an --ou scope; a refusal leaves the id in the name's place.
    org.on(DescribeOrganizationalUnitCommand).callsFake(({ OrganizationalUnitId }) =>
      track(`describe ${OrganizationalUnitId}`, () => {
        if (OrganizationalUnitId === "ou-a-1")
          throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
        return { OrganizationalUnit: { Id: OrganizationalUnitId, Name: UNIT_NAMES[OrganizationalUnitId] } };
      }),
    );
    org
      .on(ListParentsCommand, { ChildId: "ou-a-1" })
      .resolves({ Parents: [{ Id: "ou-a", Type: "ORGANIZATIONAL_UNIT" }] });
    org.on(ListParentsCommand, { ChildId: "ou-a" }).resolves({ Parents: [{ Id: "r-root", Type: "ROOT" }] });
    org.on(ListAccountsForParentCommand).callsFake((input: ListAccountsForParentCommandInput) =>
      track(`accounts ${input.ParentId} ${input.NextToken ?? "-"} max ${input.MaxResults}`, () => {
        const { items, NextToken } = paged(ACCOUNT_PAGES[input.ParentId!], input.NextToken);
        return { Accounts: items, NextToken };
      }),
    );
    org
      .on(ListOrganizationalUnitsForParentCommand)
      .callsFake((input: ListOrganizationalUnitsForParentCommandInput) =>
        track(`units ${input.ParentId} ${input.NextToken ?? "-"}`, () => {
          const { items, NextToken } = paged(UNIT_PAGES[input.ParentId!], input.NextToken);
          return { OrganizationalUnits: items.map((Id) => ({ Id, Name: UNIT_NAMES[Id] })), NextToken };
        }),
      );
  });
  after(() => org.restore());
  beforeEach(() => asked.splice(0));

  const collect = async (scope?: string[]) => {
    const accounts: OrganizationAccount[] = [];
    for await (const account of accountsInScope(new OrganizationsClient({ region: "us-east-1" }), scope)) {
      accounts.push(account);
    }
    return accounts;
  };

  it("reads every page of accounts and OUs, one call at a time, with the OU path of each account", async () => {
    const accounts = await collect();
    expect(accounts.map(({ id, ouPath, active }) => `${id} ${ouPath.join("/")} ${active}`)).to.deep.equal([
      "a1 r-root true",
      "a2 r-root true",
      "a3 r-root true",
      "a4 r-root/ou-a/ou-a-1 false",
      "a5 r-root/ou-a/ou-a-2 true",
    ]);
    // Names come with the listing itself: no OU is described.
    expect(accounts.map(({ ouSteps }) => ouPathName(ouSteps))).to.deep.equal([
      "Root",
      "Root",
      "Root",
      "Root/Workloads/Prod",
      "Root/Workloads/Test",
    ]);
    expect(accounts.map(({ state }) => state)).to.deep.equal([
      "ACTIVE",
      "ACTIVE",
      "ACTIVE",
      "SUSPENDED",
      "ACTIVE",
    ]);
    expect(asked).to.deep.equal([
      "accounts r-root - max 20",
      "accounts r-root 1 max 20",
      "units r-root -",
      "accounts ou-a - max 20",
      "units ou-a -",
      "accounts ou-a-1 - max 20",
      "units ou-a-1 -",
      "units ou-a 1",
      "accounts ou-a-2 - max 20",
      "units ou-a-2 -",
    ]);
    expect(peak).to.equal(1);
  });

  it("reads an OU given with its parent once, from the scope, and places it by its ancestors", async () => {
    const accounts = await collect(["ou-a-1", "ou-a"]);
    expect(accounts.map(({ id, ouPath }) => `${id} ${ouPath.join("/")}`)).to.deep.equal([
      "a4 r-root/ou-a/ou-a-1",
      "a5 r-root/ou-a/ou-a-2",
    ]);
    // Above the scope the names are asked for, each OU once; ou-a-1's is refused, so its id stands in.
    expect(accounts.map(({ ouSteps }) => ouPathName(ouSteps))).to.deep.equal([
      "Root/Workloads/ou-a-1",
      "Root/Workloads/Test",
    ]);
    expect(asked.filter((call) => call.startsWith("describe"))).to.deep.equal([
      "describe ou-a",
      "describe ou-a-1",
    ]);
  });
});
