// Reads the organisation's tree: the accounts under the given roots or OUs (recursively) with the OU path of
// each, which is what per-OU fallback users are resolved against.
import {
  ListParentsCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from "@aws-sdk/client-organizations";

export interface OrganizationAccount {
  id: string;
  name: string;
  /** Ids of the root and OUs above the account, from the root down. */
  ouPath: string[];
  /** Suspended or closing accounts cannot be read. */
  active: boolean;
}

const PAGE_SIZE = 20;

/** Ids above `childId` (an account or OU), from the root down. */
export async function ancestorsOf(org: OrganizationsClient, childId: string): Promise<string[]> {
  const path: string[] = [];
  let current = childId;
  for (;;) {
    const { Parents } = await org.send(new ListParentsCommand({ ChildId: current }));
    const parent = Parents?.[0];
    if (!parent?.Id) return path;
    path.unshift(parent.Id);
    if (parent.Type === "ROOT") return path;
    current = parent.Id;
  }
}

/**
 * Every account under `scope` (root or OU ids; default: the organisation's roots), each once, yielded page by
 * page. The walk makes one call at a time (Organizations allows only a few per second); the audit reads the
 * accounts already found meanwhile.
 */
export async function* accountsInScope(
  org: OrganizationsClient,
  scope?: readonly string[],
): AsyncGenerator<OrganizationAccount> {
  const starts: string[] = [];
  if (scope && scope.length > 0) starts.push(...scope);
  else {
    for await (const page of paginateListRoots({ client: org }, {})) {
      for (const root of page.Roots ?? []) if (root.Id) starts.push(root.Id);
    }
  }
  const visitedUnits = new Set(starts);
  const seenAccounts = new Set<string>();

  async function* under(parentId: string, path: string[]): AsyncGenerator<OrganizationAccount> {
    const ouPath = [...path, parentId];
    const paging = { client: org, pageSize: PAGE_SIZE };
    for await (const page of paginateListAccountsForParent(paging, { ParentId: parentId })) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id || seenAccounts.has(account.Id)) continue;
        seenAccounts.add(account.Id);
        const state = account.State ?? account.Status;
        yield { id: account.Id, name: account.Name ?? "", ouPath, active: state === "ACTIVE" };
      }
    }
    for await (const page of paginateListOrganizationalUnitsForParent(paging, { ParentId: parentId })) {
      for (const unit of page.OrganizationalUnits ?? []) {
        // An OU given in --ou may also sit under another one given: it is read once, from the scope.
        if (!unit.Id || visitedUnits.has(unit.Id)) continue;
        visitedUnits.add(unit.Id);
        yield* under(unit.Id, ouPath);
      }
    }
  }

  for (const id of starts) yield* under(id, id.startsWith("r-") ? [] : await ancestorsOf(org, id));
}
