// Templating a large organisation from a small one: clones dealt by weight, a template's answer turned into a
// clone's, and listings (JSON, and the query protocol's XML as moto answers ListStackInstances) grown to every
// clone and cut into pages whose tokens chain through all of them once. An answer that names a template outside
// a list cannot be scaled, and says so.
import { expect } from "chai";
import {
  expandListing,
  PAGE_TOKEN_PREFIX,
  scaleOrganization,
  substitute,
  type ScaledOrganization,
} from "../../testing/scaledOrganization";

const A = { id: "111111111111", name: "template-a", accessKeyId: "ASIAMOTOKEYAAAAAAAAA", weight: 3 };
const B = { id: "222222222222", name: "template-b", weight: 1 };
const MANAGEMENT = "123456789012";

/** Every page of a listing, following the replay's tokens; `pageOf` reads one page's ids and next token. */
function allPages(
  body: string,
  organization: ScaledOrganization,
  maxResults: number,
  pageOf: (page: string) => { ids: string[]; next?: string },
): string[][] {
  const pages: string[][] = [];
  let offset: number | undefined;
  do {
    const { ids, next } = pageOf(expandListing(body, organization, { offset, maxResults }, "test"));
    pages.push(ids);
    offset = next === undefined ? undefined : Number(next.slice(PAGE_TOKEN_PREFIX.length));
  } while (offset !== undefined);
  return pages;
}

describe("scaledOrganization", () => {
  const organization = scaleOrganization([A, B], 10);

  it("deals clones in proportion to the templates' weights, with ids and keys of their own", () => {
    // Three of A for every B, and every template early: a small count has every kind too.
    expect(organization.clonesOf.get(A.id)).to.have.length(7);
    expect(organization.clonesOf.get(B.id)).to.have.length(3);
    expect(organization.clones.map(({ template }) => template.name).slice(0, 4)).to.deep.equal([
      "template-a",
      "template-b",
      "template-a",
      "template-a",
    ]);
    const ids = organization.clones.map(({ id }) => id);
    expect(new Set(ids).size).to.equal(10);
    expect(ids).to.not.include.members([A.id, B.id]);
    for (const clone of organization.clones) expect(clone.id).to.match(/^\d{12}$/);
    expect(new Set(organization.clones.map(({ accessKeyId }) => accessKeyId)).size).to.equal(10);
  });

  it("turns a template's answer into a clone's: id, name and access key", () => {
    const clone = organization.clonesOf.get(A.id)![0];
    const answer =
      `<AssumeRoleResult><Credentials><AccessKeyId>${A.accessKeyId}</AccessKeyId></Credentials>` +
      `<AssumedRoleUser><Arn>arn:aws:sts::${A.id}:assumed-role/OrganizationAccountAccessRole/x</Arn>` +
      `</AssumedRoleUser><Email>${A.name}@example.com</Email></AssumeRoleResult>`;
    expect(substitute(answer, clone)).to.equal(
      `<AssumeRoleResult><Credentials><AccessKeyId>${clone.accessKeyId}</AccessKeyId></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${clone.id}:assumed-role/OrganizationAccountAccessRole/x</Arn>` +
        `</AssumedRoleUser><Email>${clone.name}@example.com</Email></AssumeRoleResult>`,
    );
  });

  it("grows a JSON listing to every clone and pages it", () => {
    const account = (id: string, name: string) => ({
      Id: id,
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-x/${id}`,
      Name: name,
      Status: "ACTIVE",
    });
    const recorded = JSON.stringify({
      Accounts: [account(MANAGEMENT, "management"), account(A.id, A.name), account(B.id, B.name)],
      NextToken: null,
    });
    const pages = allPages(recorded, organization, 4, (page) => {
      const { Accounts, NextToken } = JSON.parse(page) as {
        Accounts: { Id: string; Name: string; Arn: string }[];
        NextToken?: string | null;
      };
      for (const { Id, Name, Arn } of Accounts) {
        expect(Arn.endsWith(`/${Id}`)).to.equal(true);
        if (Id !== MANAGEMENT) expect(Name).to.equal(organization.cloneById.get(Id)!.name);
      }
      return { ids: Accounts.map(({ Id }) => Id), next: NextToken ?? undefined };
    });
    expect(pages.map((page) => page.length)).to.deep.equal([4, 4, 3]);
    expect(pages.flat().sort()).to.deep.equal(
      [MANAGEMENT, ...organization.clones.map(({ id }) => id)].sort(),
    );
  });

  it("grows a query protocol's XML list to every clone and pages it, the token beside the list", () => {
    const instance = (account: string) =>
      `<member><StackSetId>s:1</StackSetId><Region>eu-west-1</Region><Account>${account}</Account>` +
      `<StackId>arn:aws:cloudformation:eu-west-1:${account}:stack/StackSet-s/1</StackId><Status>CURRENT</Status>` +
      "<StackInstanceStatus><DetailedStatus>SUCCEEDED</DetailedStatus></StackInstanceStatus></member>";
    const recorded =
      '<ListStackInstancesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">' +
      `<ListStackInstancesResult><Summaries>${instance(A.id)}${instance(B.id)}</Summaries>` +
      "</ListStackInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>" +
      "</ListStackInstancesResponse>";
    const pages = allPages(recorded, organization, 6, (page) => {
      expect(page).to.match(/<\/Summaries>(<NextToken>[^<]+<\/NextToken>)?<\/ListStackInstancesResult>/);
      const ids = [...page.matchAll(/<Account>(\d+)<\/Account><StackId>[^<]*:(\d{12}):stack/g)].map(
        ([, account, inArn]) => {
          expect(inArn).to.equal(account);
          return account;
        },
      );
      return { ids, next: /<NextToken>([^<]+)<\/NextToken>/.exec(page)?.[1] };
    });
    expect(pages.map((page) => page.length)).to.deep.equal([6, 4]);
    expect(pages.flat().sort()).to.deep.equal(organization.clones.map(({ id }) => id).sort());
  });

  it("refuses to scale an answer that names a template outside a list, or two templates in one element", () => {
    expect(() =>
      expandListing(JSON.stringify({ Account: { Id: A.id } }), organization, {}, "Describe"),
    ).to.throw(/^Describe: names a template account outside a list/);
    expect(() =>
      expandListing(JSON.stringify({ Pairs: [{ From: A.id, To: B.id }] }), organization, {}, "Pairs"),
    ).to.throw(/^Pairs: a list element names 2 template accounts/);
    expect(() =>
      expandListing(JSON.stringify({ Roots: [{ Id: "r-1" }] }), organization, { offset: 2 }, "ListRoots"),
    ).to.throw(/^ListRoots: asks for a later page of a list that names no template account/);
  });
});
