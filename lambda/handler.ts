//! The RunShell writer, for three kinds of event:
//! - a CloudFormation custom-resource event (it has a ResponseURL), always answered: the RunShell document's
//!   applies its properties RunAsEnabled ("true" | "false"), RunAsDefaultUser and OnDelete ("retain" |
//!   "restore"); the fallback-user association's tags the association AssociationId and writes the rest of
//!   its properties (the association's own) over it;
//! - any other event (EventBridge: CloudTrail writes to the document, the daily schedule) reconciles the document
//!   to the values in the function's environment, which the StackSet template sets:
//!     RUN_AS_ENABLED       "true" | "false"
//!     RUN_AS_DEFAULT_USER  the fallback Linux user name
import type { SSM } from "@aws-sdk/client-ssm";
import { ASSOCIATION_ID_PROPERTY, FALLBACK_USER_ASSOCIATION_TAG_TYPE } from "../policypack/rules/names";
import { protectAssociation } from "./association";
import { answerInTime, type Answer, type CustomResourceEvent } from "./cfnResponse";
import { logAction } from "./log";
import { CREATE_FAILED_ID, restorePointId, restorePointOf } from "./restorePoint";
import { ssmClient, writeRunAs } from "./runShell";
import { desiredRunAs, onDeleteOf } from "./settings";

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

interface ReconcileEvent {
  "detail-type"?: string;
  detail?: { eventName?: string };
}

//! The association's id is the physical id: a replaced association is a new resource. One seen before (an Update
//! of the same id) was protected then, so only the StackSet can have changed it since. Deleting an association is
//! CloudFormation's own business, so a Delete does nothing.
async function associationTag(ssm: SSM, event: CustomResourceEvent): Promise<Answer> {
  const { RequestType, PhysicalResourceId, ResourceProperties = {} } = event;
  if (RequestType === "Delete")
    return { Status: "SUCCESS", PhysicalResourceId: PhysicalResourceId as string };
  const id = ResourceProperties[ASSOCIATION_ID_PROPERTY];
  if (typeof id !== "string" || !id) throw new Error(`${ASSOCIATION_ID_PROPERTY} is ${JSON.stringify(id)}`);
  if (id !== PhysicalResourceId) await protectAssociation(ssm, id, ResourceProperties);
  return { Status: "SUCCESS", PhysicalResourceId: id };
}

async function runShellDocument(ssm: SSM, event: CustomResourceEvent): Promise<Answer> {
  const properties = event.ResourceProperties ?? {};
  const { RequestType, PhysicalResourceId } = event;
  if (RequestType === "Delete") {
    //! Delete events always carry the physical id; one this writer did not issue on success restores nothing.
    const prior = restorePointOf(PhysicalResourceId as string);
    if (prior && onDeleteOf(properties, "OnDelete") === "restore") await writeRunAs(ssm, prior, false);
    return { Status: "SUCCESS", PhysicalResourceId: PhysicalResourceId as string };
  }
  if (RequestType !== "Create" && RequestType !== "Update")
    throw new Error(`unknown RequestType ${RequestType}`);
  const desired = desiredRunAs(properties, "RunAsEnabled", "RunAsDefaultUser");
  onDeleteOf(properties, "OnDelete"); // a bad value fails now rather than when the stack is deleted
  const prior = await writeRunAs(ssm, desired, true);
  //! An Update keeps the id: a new one would make CloudFormation delete (and so restore) the "old" resource.
  return { Status: "SUCCESS", PhysicalResourceId: PhysicalResourceId ?? restorePointId(prior) };
}

async function reconcile(ssm: SSM, event: ReconcileEvent): Promise<void> {
  logAction("reconcile", { trigger: event.detail?.eventName ?? event["detail-type"] });
  //! A failure throws: EventBridge's asynchronous invocation retries, and the runtime logs the error.
  await writeRunAs(ssm, desiredRunAs(process.env, "RUN_AS_ENABLED", "RUN_AS_DEFAULT_USER"), true);
}

export function handler(event: CustomResourceEvent | ReconcileEvent, context: LambdaContext): Promise<void> {
  const ssm = ssmClient();
  if (!("ResponseURL" in event)) return reconcile(ssm, event);
  const failedPhysicalId = event.PhysicalResourceId ?? CREATE_FAILED_ID;
  return answerInTime(event, context.getRemainingTimeInMillis(), failedPhysicalId, () =>
    event.ResourceType === FALLBACK_USER_ASSOCIATION_TAG_TYPE
      ? associationTag(ssm, event)
      : runShellDocument(ssm, event),
  );
}
