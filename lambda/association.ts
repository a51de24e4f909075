//! Tags the fallback-user association, which CloudFormation creates but cannot tag, for the SCP to protect; only
//! while it still is what the template declared, so that a change made in the moments before is not protected.
import type { SSM } from "@aws-sdk/client-ssm";
import { FALLBACK_USER_ASSOCIATION_TAG_VALUE, MANAGED_TAG_KEY } from "../policypack/rules/names";
import { logAction } from "./log";

export interface Association {
  Name?: string;
  Targets?: { Key?: string; Values?: string[] }[];
  Parameters?: Record<string, string[]>;
}

/**
 * The parts of `found` (document, targets, the parameters `declared` sets) that differ from `declared`. Pure.
 * Parameters the template leaves out are not compared: were AWS to echo a document default back, every stack
 * would fail; the document's others (working directory, timeout) cannot stop the script creating the user.
 */
export function changedParts(found: Association, declared: Association): string[] {
  const names = Object.keys(declared.Parameters ?? {}).sort();
  const parts = ({ Name, Targets = [], Parameters = {} }: Association): Record<string, string> => ({
    document: String(Name),
    targets: JSON.stringify(Targets.map(({ Key, Values }) => [Key, Values])),
    parameters: JSON.stringify(names.map((name) => Parameters[name])),
  });
  const [is, was] = [parts(found), parts(declared)];
  return Object.keys(is).filter((part) => is[part] !== was[part]);
}

//! A policy just added to the writer's role takes seconds to reach every IAM endpoint: retried for about 15 s.
async function withAccessRetry<T>(call: () => Promise<T>, delays = [1000, 2000, 4000, 8000]): Promise<T> {
  for (const delay of delays) {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name !== "AccessDeniedException") throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return call();
}

export async function tagAssociation(ssm: SSM, AssociationId: string, declared: Association): Promise<void> {
  const resource = { ResourceType: "Association" as const, ResourceId: AssociationId };
  const { TagList } = await withAccessRetry(() => ssm.listTagsForResource(resource));
  //! Tagged already: the SCP denies the writer a second tag write.
  if (TagList?.some(({ Key }) => Key === MANAGED_TAG_KEY)) return;
  const { AssociationDescription } = await ssm.describeAssociation({ AssociationId });
  const changed = changedParts(AssociationDescription ?? {}, declared);
  if (changed.length > 0) {
    throw new Error(
      `association ${AssociationId}: its ${changed.join(", ")} changed before it was tagged; put back the template's and retry`,
    );
  }
  await ssm.addTagsToResource({
    ...resource,
    Tags: [{ Key: MANAGED_TAG_KEY, Value: FALLBACK_USER_ASSOCIATION_TAG_VALUE }],
  });
  logAction("tag-association", { AssociationId });
}
