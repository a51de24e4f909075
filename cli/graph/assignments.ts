// The users assigned to an enterprise application: assigned directly, or through a group (nested groups
// included, as Entra's provisioning scope "assigned users and groups" counts them). Read in pages of up to
// 999 (Graph's largest; 100 by default) with a bounded number of principals in flight.
import { forEachWithConcurrency } from "../concurrency";
import type { Progress } from "../progress";
import type { ServicePrincipal } from "./application";
import type { GraphClient } from "./client";
import { selectFor, type GraphUser } from "./users";

const USERS_PER_FILTER = 15;

interface AppRoleAssignment {
  principalId: string;
  principalType: "User" | "Group" | "ServicePrincipal";
}

export interface AssignedUsers {
  users: GraphUser[];
  /** Groups assigned to the application (their members are in `users`). */
  groups: number;
}

/** Every user assigned to `app`, once, with `attributes` selected. */
export async function assignedUsers(
  graph: GraphClient,
  app: ServicePrincipal,
  attributes: readonly string[],
  concurrency: number,
  progress: Progress,
): Promise<AssignedUsers> {
  const select = selectFor(attributes);
  const principals = await graph.listAll<AppRoleAssignment>(
    `/servicePrincipals/${app.id}/appRoleAssignedTo?$top=999`,
  );
  // Directly assigned users are read 15 at a time (`id in (…)` takes at most 15 values), groups one by one.
  const idsOf = (type: AppRoleAssignment["principalType"]) => [
    ...new Set(
      principals.filter(({ principalType }) => principalType === type).map(({ principalId }) => principalId),
    ),
  ];
  const userIds = idsOf("User");
  const batches = Array.from({ length: Math.ceil(userIds.length / USERS_PER_FILTER) }, (_, index) =>
    userIds.slice(index * USERS_PER_FILTER, (index + 1) * USERS_PER_FILTER),
  );
  const groupIds = idsOf("Group");
  const reads = [
    ...batches.map(
      (ids) =>
        `/users?$filter=${encodeURIComponent(`id in (${ids.map((id) => `'${id}'`).join(",")})`)}&$select=${select}`,
    ),
    ...groupIds.map(
      (id) => `/groups/${id}/transitiveMembers/microsoft.graph.user?$count=true&$top=999&$select=${select}`,
    ),
  ];
  progress.add(reads.length);
  const users = new Map<string, GraphUser>();
  await forEachWithConcurrency(reads, concurrency, async (read) => {
    for await (const user of graph.list<GraphUser>(read)) users.set(user.id, user);
    progress.advance();
  });
  progress.finish();
  return {
    users: [...users.values()],
    groups: principals.filter(({ principalType }) => principalType === "Group").length,
  };
}
