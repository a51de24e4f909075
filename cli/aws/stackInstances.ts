// Reads the RunShell StackSet's instances once per audit (cloudformation:ListStackInstances, every page), with
// the caller's own credentials: the StackSet lives in the management account or is called as its delegated
// administrator (`callAs`, the stack's stackSetCallAs), in the region the stack deploys it from.
import { CloudFormationClient, paginateListStackInstances } from "@aws-sdk/client-cloudformation";
import { RUNSHELL_STACKSET_NAME } from "../../policypack/rules/names";
import type { CheckRead } from "../auditChecks";
import { describeError } from "../errors";
import type { StackInstanceRead } from "../stackInstances";
import { clientConfig } from "./clients";

export type CallAs = "SELF" | "DELEGATED_ADMIN";

export interface StackSetLocation {
  /** The StackSet's home region (the stack's aws:region); default: the SDK's (AWS_REGION, the profile). */
  region?: string;
  callAs: CallAs;
}

export async function readStackInstances(
  location: StackSetLocation,
): Promise<CheckRead<StackInstanceRead[]>> {
  const client = new CloudFormationClient(clientConfig(location.region));
  const instances: StackInstanceRead[] = [];
  try {
    for await (const page of paginateListStackInstances(
      { client, pageSize: 100 },
      { StackSetName: RUNSHELL_STACKSET_NAME, CallAs: location.callAs },
    )) {
      for (const summary of page.Summaries ?? []) {
        if (!summary.Account || !summary.Region) continue;
        instances.push({
          account: summary.Account,
          region: summary.Region,
          status: summary.Status,
          detailedStatus: summary.StackInstanceStatus?.DetailedStatus,
          statusReason: summary.StatusReason,
        });
      }
    }
  } catch (err) {
    return { kind: "failed", reason: `ListStackInstances ${RUNSHELL_STACKSET_NAME}: ${describeError(err)}` };
  }
  return { kind: "read", value: instances };
}
