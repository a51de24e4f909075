//! Protects the fallback-user association, which CloudFormation creates but cannot tag: the writer tags it for
//! the SCP, then writes the template's properties over it, so that nothing anyone changed before the tag stays.
import type { SSM, UpdateAssociationCommandInput } from "@aws-sdk/client-ssm";
import {
  ASSOCIATION_ID_PROPERTY,
  FALLBACK_USER_ASSOCIATION_TAG_VALUE,
  MANAGED_TAG_KEY,
} from "../policypack/rules/names";
import { logAction } from "./log";

/**
 * The UpdateAssociation request that makes the association what the custom resource's properties declare (the
 * association's own, CloudFormation passing booleans as strings). Pure.
 */
export function templateAssociation(
  AssociationId: string,
  properties: Record<string, unknown>,
): UpdateAssociationCommandInput {
  const {
    ServiceToken,
    ServiceTimeout,
    [ASSOCIATION_ID_PROPERTY]: id,
    ApplyOnlyAtCronInterval,
    ...declared
  } = properties;
  void [ServiceToken, ServiceTimeout, id];
  return {
    ...declared,
    AssociationId,
    ...(ApplyOnlyAtCronInterval === undefined
      ? {}
      : { ApplyOnlyAtCronInterval: String(ApplyOnlyAtCronInterval) === "true" }),
  } as UpdateAssociationCommandInput;
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

export async function protectAssociation(
  ssm: SSM,
  AssociationId: string,
  properties: Record<string, unknown>,
): Promise<void> {
  const Tags = [{ Key: MANAGED_TAG_KEY, Value: FALLBACK_USER_ASSOCIATION_TAG_VALUE }];
  try {
    await withAccessRetry(() =>
      ssm.addTagsToResource({ ResourceType: "Association", ResourceId: AssociationId, Tags }),
    );
  } catch (error) {
    //! Deleted since CloudFormation created it: failing would roll the stack back, and the audit reports it missing.
    if (!["InvalidResourceId", "AssociationDoesNotExist"].includes((error as Error).name)) throw error;
    return logAction("association-missing", { AssociationId });
  }
  //! UpdateAssociation sets every field it is not given to none: the result is exactly the template's.
  await ssm.updateAssociation(templateAssociation(AssociationId, properties));
  logAction("association-protected", { AssociationId });
}
