// The stack policy: an ssm-runas-sync stack holds every piece, so none is deployed alone.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
  isAbacConfiguration,
  isLzaGuardrailExport,
  isLzaRunShellExport,
  isRunShellScp,
  isRunShellScpDocument,
  isRunShellStackSet,
  isSessionScp,
  isSessionScpDocument,
  objectList,
  scpDocumentsOf,
  stringList,
  stringMap,
  type ScpDocument,
} from "./resources";
import {
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
} from "./rules/names";
import { TYPES } from "./rules/types";

const ATTACHMENT_KINDS = "an organizations PolicyAttachment, or a target in its LZA export entry";

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

/** The policy files of the guardrail's LZA exports, each with whether its entry names a target. */
function exportedScps(exports: PolicyResource[]): { document: ScpDocument; targeted: boolean }[] {
  return exports.flatMap(({ type, props }) => {
    const entries = objectList(props.serviceControlPolicies);
    return scpDocumentsOf(type, props).map((document) => ({
      document,
      targeted: entries.some(
        (entry) =>
          entry.name === document.name &&
          stringList(stringMap(entry.deploymentTargets).organizationalUnits).length > 0,
      ),
    }));
  });
}

export const stackComplete: StackValidationPolicy = {
  name: "ssm-runas-stack-complete",
  description:
    "A stack of ssm-runas-sync holds the ABAC configuration, the RunShell StackSet, both SCPs (the RunShell " +
    "guardrail and the session guardrail) and at least one attachment of each together: any one alone leaves " +
    "RunAs unset or unguarded. Where Landing Zone Accelerator owns a piece (runShellOwner, guardrailOwner lza), " +
    "its LZA export stands in for the StackSet, or for the SCPs and their attachments (a target of each policy's " +
    "entry), and the stack must not also declare what the export replaces.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      projects: {
        type: "array",
        items: { type: "string" },
        default: ["ssm-runas-sync"],
        description:
          "Pulumi projects whose stacks must hold all the pieces. Any other stack is checked only when it " +
          "holds the RunShell StackSet, one of the two SCPs or an LZA export of them.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const projects = args.getConfig<StackCompleteConfig>().projects ?? ["ssm-runas-sync"];
    const abac = args.resources.filter((r) => isAbacConfiguration(r.type));
    const stackSets = args.resources.filter((r) => isRunShellStackSet(r.type, r.props));
    const runShellExports = args.resources.filter((r) => isLzaRunShellExport(r.type));
    const scps = args.resources.filter((r) => isRunShellScp(r.type, r.props));
    const sessionScps = args.resources.filter((r) => isSessionScp(r.type, r.props));
    const guardrailExports = args.resources.filter((r) => isLzaGuardrailExport(r.type));
    const project = args.stackTags.get("pulumi:project");
    const ours = project !== undefined && projects.includes(project);
    const pieces = [stackSets, runShellExports, scps, sessionScps, guardrailExports];
    if (!ours && pieces.every((found) => found.length === 0)) {
      args.notApplicable("not an ssm-runas-sync stack: no RunShell StackSet, SCP or LZA export of them");
    }
    const attachments = args.resources.filter((r) => r.type === TYPES.organizationsPolicyAttachment);
    const exported = exportedScps(guardrailExports);
    // A guardrail is there when an SCP resource or an exported policy is, and in force when one is attached or
    // its export entry names a target.
    const guardrail = (
      isResource: (r: PolicyResource) => boolean,
      isDocument: (d: ScpDocument) => boolean,
    ) => {
      const resources = args.resources.filter(isResource);
      const documents = exported.filter(({ document }) => isDocument(document));
      return {
        present: resources.length > 0 || documents.length > 0,
        inForce:
          resources.some((scp) => attachments.some((a) => linkedTo(a, scp))) ||
          documents.some(({ targeted }) => targeted),
      };
    };
    const runShellGuardrail = guardrail((r) => scps.includes(r), isRunShellScpDocument);
    const sessionGuardrail = guardrail((r) => sessionScps.includes(r), isSessionScpDocument);
    const missing: string[] = [];
    if (abac.length === 0) missing.push("an IAM Identity Center ABAC configuration");
    if (stackSets.length === 0 && runShellExports.length === 0)
      missing.push(`the RunShell StackSet (${RUNSHELL_STACKSET_NAME}) or its LZA export`);
    if (!runShellGuardrail.present) missing.push(`an SCP guarding ${RUN_SHELL_DOCUMENT_NAME}`);
    else if (!runShellGuardrail.inForce)
      missing.push(`an attachment of the RunShell guardrail SCP (${ATTACHMENT_KINDS})`);
    if (!sessionGuardrail.present)
      missing.push(`the session guardrail SCP (${SESSION_GUARDRAIL_POLICY_NAME})`);
    else if (!sessionGuardrail.inForce)
      missing.push(`an attachment of the session guardrail SCP (${ATTACHMENT_KINDS})`);
    if (missing.length > 0) reportViolation(`The stack is missing ${missing.join(", ")}.`);
    if (stackSets.length > 0 && runShellExports.length > 0) {
      reportViolation(
        "The stack declares the RunShell StackSet and its LZA export: both would put the writer's fixed names " +
          "into the same accounts, and LZA cannot create a second StackSet of that name. runShellOwner picks one.",
      );
    }
    if (scps.length + sessionScps.length > 0 && exported.length > 0) {
      reportViolation(
        "The stack declares the guardrail SCPs and their LZA export: LZA would adopt the policies of the same " +
          "names and each deployment would overwrite the other's. guardrailOwner picks one.",
      );
    }
  },
};
