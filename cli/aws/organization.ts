// Reads the organisation's tree: the accounts under the given roots or OUs (recursively) with the OU path of
// each, by id (what per-OU fallback users and the stack's scope are resolved against) and by name (what a reader
// recognises). Names come with the listing itself; only the OUs above an --ou scope are described, once each.
import {
  DescribeOrganizationalUnitCommand,
  ListParentsCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from "@aws-sdk/client-organizations";
import type { OuStep } from "../auditContext";

export interface OrganizationAccount {
  id: string;
  name: string;
  /** Ids of the root and OUs above the account, from the root down. */
  ouPath: string[];
  /** The same steps with their names, where known. */
  ouSteps: OuStep[];
  /** Suspended or closing accounts cannot be read. */
  active: boolean;
  /** Organizations' state: ACTIVE, SUSPENDED, PENDING_CLOSURE, … */
  state?: string;
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
  const names = new Map<string, string>();
  const listRoots = async () => {
    const ids: string[] = [];
    for await (const page of paginateListRoots({ client: org }, {})) {
      for (const root of page.Roots ?? []) {
        if (!root.Id) continue;
        ids.push(root.Id);
        if (root.Name) names.set(root.Id, root.Name);
      }
    }
    return ids;
  };
  const starts: string[] = [];
  if (scope && scope.length > 0) starts.push(...scope);
  else starts.push(...(await listRoots()));
  const visitedUnits = new Set(starts);
  const seenAccounts = new Set<string>();

  // Above an --ou scope the listing gives no names: the roots' come from ListRoots, each OU's from
  // DescribeOrganizationalUnit. A name is only a label, so a refused or failed read leaves the id in its place.
  let rootsListed: Promise<unknown> | undefined;
  const nameOf = async (id: string): Promise<OuStep> => {
    if (!names.has(id)) {
      if (id.startsWith("r-")) await (rootsListed ??= listRoots().catch(() => []));
      else {
        try {
          const { OrganizationalUnit } =
            (await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: id }))) ?? {};
          if (OrganizationalUnit?.Name) names.set(id, OrganizationalUnit.Name);
        } catch {
          // the id stands in for the name
        }
      }
    }
    return { id, name: names.get(id) };
  };

  async function* under(parentId: string, steps: OuStep[]): AsyncGenerator<OrganizationAccount> {
    const ouSteps = [...steps, { id: parentId, name: names.get(parentId) }];
    const ouPath = ouSteps.map(({ id }) => id);
    const paging = { client: org, pageSize: PAGE_SIZE };
    for await (const page of paginateListAccountsForParent(paging, { ParentId: parentId })) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id || seenAccounts.has(account.Id)) continue;
        seenAccounts.add(account.Id);
        const state = account.State ?? account.Status;
        yield {
          id: account.Id,
          name: account.Name ?? "",
          ouPath,
          ouSteps,
          active: state === "ACTIVE",
          state,
        };
      }
    }
    for await (const page of paginateListOrganizationalUnitsForParent(paging, { ParentId: parentId })) {
      for (const unit of page.OrganizationalUnits ?? []) {
        // An OU given in --ou may also sit under another one given: it is read once, from the scope.
        if (!unit.Id || visitedUnits.has(unit.Id)) continue;
        visitedUnits.add(unit.Id);
        if (unit.Name) names.set(unit.Id, unit.Name);
        yield* under(unit.Id, ouSteps);
      }
    }
  }

  for (const id of starts) {
    if (scope && scope.length > 0) {
      const above = id.startsWith("r-") ? [] : await ancestorsOf(org, id);
      const steps: OuStep[] = [];
      for (const step of above) steps.push(await nameOf(step));
      await nameOf(id);
      yield* under(id, steps);
    } else yield* under(id, []);
  }
}
