// The stack policy: an ssm-runas-sync stack holds every piece, so none is deployed alone.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isAbacConfiguration, isRunShellScp, isRunShellStackSet, isSessionScp } from "./resources";
import {
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
} from "./rules/names";
import { TYPES } from "./rules/types";

export interface StackCompleteConfig {
  projects?: string[];
}

function linkedTo(attachment: PolicyResource, policy: PolicyResource): boolean {
  const propertyDependencies = attachment.propertyDependencies.policyId ?? [];
  if (propertyDependencies.some((d) => d.urn === policy.urn)) return true;
  if (attachment.dependencies.some((d) => d.urn === policy.urn)) return true;
  const policyId = attachment.props.policyId;
  return policyId !== undefined && policyId === policy.props.id;
}

export const stackComplete: StackValidationPolicy = {
  name: "ssm-runas-stack-complete",
  description:
    "A stack of ssm-runas-sync holds the ABAC configuration, the RunShell StackSet, both SCPs (the RunShell " +
    "guardrail and the session guardrail) and at least one attachment of each together: any one alone leaves " +
    "RunAs unset or unguarded.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      projects: {
        type: "array",
        items: { type: "string" },
        default: ["ssm-runas-sync"],
        description:
          "Pulumi projects whose stacks must hold all the pieces. Any other stack is checked only when it " +
          "holds the RunShell StackSet or one of the two SCPs.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const projects = args.getConfig<StackCompleteConfig>().projects ?? ["ssm-runas-sync"];
    const abac = args.resources.filter((r) => isAbacConfiguration(r.type));
    const stackSets = args.resources.filter((r) => isRunShellStackSet(r.type, r.props));
    const scps = args.resources.filter((r) => isRunShellScp(r.type, r.props));
    const sessionScps = args.resources.filter((r) => isSessionScp(r.type, r.props));
    const project = args.stackTags.get("pulumi:project");
    const ours = project !== undefined && projects.includes(project);
    if (!ours && stackSets.length === 0 && scps.length === 0 && sessionScps.length === 0) {
      args.notApplicable("not an ssm-runas-sync stack: no RunShell StackSet or SCP");
    }
    const attachments = args.resources.filter((r) => r.type === TYPES.organizationsPolicyAttachment);
    const attached = (policies: PolicyResource[]) =>
      policies.some((scp) => attachments.some((a) => linkedTo(a, scp)));
    const missing: string[] = [];
    if (abac.length === 0) missing.push("an IAM Identity Center ABAC configuration");
    if (stackSets.length === 0) missing.push(`the RunShell StackSet (${RUNSHELL_STACKSET_NAME})`);
    if (scps.length === 0) missing.push(`an SCP guarding ${RUN_SHELL_DOCUMENT_NAME}`);
    else if (!attached(scps))
      missing.push("an attachment (organizations PolicyAttachment) of the RunShell guardrail SCP");
    if (sessionScps.length === 0)
      missing.push(`the session guardrail SCP (${SESSION_GUARDRAIL_POLICY_NAME})`);
    else if (!attached(sessionScps))
      missing.push("an attachment (organizations PolicyAttachment) of the session guardrail SCP");
    if (missing.length > 0) reportViolation(`The stack is missing ${missing.join(", ")}.`);
  },
};
