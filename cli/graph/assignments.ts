// The users assigned to an enterprise application: assigned directly, or through a group (nested groups
// included, as Entra's provisioning scope "assigned users and groups" counts them). Read page by page with
// a bounded number of principals in flight.
import { forEachWithConcurrency } from "../concurrency";
import type { Progress } from "../progress";
import type { ServicePrincipal } from "./application";
import type { GraphClient } from "./client";
import { selectFor, type GraphUser } from "./users";

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
  const principals: AppRoleAssignment[] = [];
  for await (const assignment of graph.list<AppRoleAssignment>(
    `/servicePrincipals/${app.id}/appRoleAssignedTo`,
  )) {
    if (assignment.principalType !== "ServicePrincipal") principals.push(assignment);
  }
  progress.add(principals.length);
  const users = new Map<string, GraphUser>();
  await forEachWithConcurrency(new Set(principals), concurrency, async ({ principalId, principalType }) => {
    if (principalType === "User") {
      const user = await graph.get<GraphUser>(`/users/${principalId}?$select=${select}`);
      users.set(user.id, user);
    } else {
      for await (const user of graph.list<GraphUser>(
        `/groups/${principalId}/transitiveMembers/microsoft.graph.user?$select=${select}`,
      )) {
        users.set(user.id, user);
      }
    }
    progress.advance();
  });
  progress.finish();
  return {
    users: [...users.values()],
    groups: principals.filter(({ principalType }) => principalType === "Group").length,
  };
}
