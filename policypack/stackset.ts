// The StackSet policy: the RunShell StackSet reaches every account and enables RunAs with a safe fallback user.
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import {
  ALLOW_BREAK_GLASS,
  disagreement,
  runAsEnabledProblem,
  runAsSwitches,
  WRITER_POLICY_NAME,
  type BreakGlassConfig,
} from "./breakGlass";
import {
  isLzaRunShellExport,
  isRunShellStackSet,
  lzaParameterValues,
  objectList,
  stringList,
  stringMap,
  templateOf,
  type Props,
} from "./resources";
import {
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUN_AS_DEFAULT_USER_PROPERTY,
  RUN_AS_ENABLED_PARAMETER,
  RUN_AS_ENABLED_PROPERTY,
  RUNSHELL_STACKSET_NAME,
} from "./rules/names";
import { TYPES } from "./rules/types";
import { sessionUserProblem } from "./rules/values";
import { parseTemplate, resolveValue, writerResources, type Template } from "./template";

/** The shared rule's message, with the value it refused. */
function userProblem(value: unknown): string | undefined {
  const problem = sessionUserProblem(value);
  return problem && `${JSON.stringify(value)}: ${problem}`;
}

function checkWriterTemplate(
  props: Props,
  parameterValues: Record<string, unknown>,
  allowBreakGlass: boolean,
  reportViolation: ReportViolation,
): void {
  if (props.templateBody === undefined || props.templateBody === null) {
    reportViolation("No templateBody: the pack can only verify a template given inline as JSON.");
    return;
  }
  let template: Template;
  try {
    template = parseTemplate(props.templateBody);
  } catch (err) {
    reportViolation(`The templateBody is not a JSON CloudFormation template: ${(err as Error).message}.`);
    return;
  }
  const writers = writerResources(template);
  if (writers.length === 0) {
    reportViolation(
      `The template has no writer custom resource (properties ${RUN_AS_ENABLED_PROPERTY}, ${RUN_AS_DEFAULT_USER_PROPERTY}).`,
    );
  }
  // The custom resource's RunAsEnabled and the function's RUN_AS_ENABLED alike: either one alone decides RunAs.
  const switches = runAsSwitches(template, parameterValues);
  for (const { where, resolved } of switches) {
    const problem = resolved.ok ? runAsEnabledProblem(resolved.value, allowBreakGlass) : resolved.reason;
    if (problem) reportViolation(`${where} ${problem}.`);
  }
  const split = disagreement(switches);
  if (split) reportViolation(`${split}.`);
  for (const writer of writers) {
    const user = resolveValue(writer.properties[RUN_AS_DEFAULT_USER_PROPERTY], template, parameterValues);
    const problem = user.ok ? userProblem(user.value) : user.reason;
    if (problem) reportViolation(`${writer.logicalId}.${RUN_AS_DEFAULT_USER_PROPERTY}: ${problem}.`);
  }
}

/**
 * A StackSet's stacks are named `StackSet-<name>-<id>`: the base name, or the base and `-`, keeps them under the
 * guardrail's `StackSet-ssm-runas-sync-runshell-*`; `ssm-runas-sync-runshellX` would not.
 */
export function isRunShellEntryName(name: string): boolean {
  return name === RUNSHELL_STACKSET_NAME || name.startsWith(`${RUNSHELL_STACKSET_NAME}-`);
}

/**
 * runShellOwner lza: every StackSet entry of the export deploys the export's template with the writer, RunAs on
 * and a safe fallback user for its own parameters, to some OU, under a name the guardrail protects.
 */
function checkLzaRunShellExport(
  props: Props,
  allowBreakGlass: boolean,
  reportViolation: ReportViolation,
): void {
  const entries = objectList(props.cloudFormationStackSets);
  if (entries.length === 0) {
    reportViolation(
      "The LZA export holds no cloudFormationStackSets entry: no account would get the writer.",
    );
  }
  for (const entry of entries) {
    const name = String(entry.name);
    const report: ReportViolation = (message) => reportViolation(`LZA entry ${name}: ${message}`);
    if (!isRunShellEntryName(name)) {
      report(
        `the name is neither ${RUNSHELL_STACKSET_NAME} nor ${RUNSHELL_STACKSET_NAME}-<suffix>: the guardrail ` +
          `protects only the stacks StackSet-${RUNSHELL_STACKSET_NAME}-*, so an account admin could change this ` +
          "one's writer.",
      );
    }
    if (stringList(stringMap(entry.deploymentTargets).organizationalUnits).length === 0) {
      report("deploymentTargets.organizationalUnits is empty: the entry reaches no OU.");
    }
    checkWriterTemplate(
      { templateBody: props.templateBody },
      lzaParameterValues(entry.parameters),
      allowBreakGlass,
      report,
    );
  }
}

export const stackSetWriter: ResourceValidationPolicy = {
  name: WRITER_POLICY_NAME,
  description:
    "The RunShell StackSet is SERVICE_MANAGED with auto-deployment on (new accounts get the writer), and its " +
    'template carries the writer custom resource with RunAsEnabled "true" (its function\'s RUN_AS_ENABLED too) ' +
    'and a Linux RunAsDefaultUser other than root; "false", break-glass, only with allowBreakGlass; the same ' +
    "template in a management-account stack, and per-OU overrides, are checked too. With runShellOwner lza, " +
    "every StackSet entry of the LZA export is checked the same way against its parameters.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      [ALLOW_BREAK_GLASS]: {
        type: "boolean",
        default: false,
        description:
          'Accept RunAsEnabled "false" (break-glass: RunAs off in every account and region). Set by whoever ' +
          "administers the policy pack, for the time of an emergency; ssm-runas-break-glass reports it all the same.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const props = args.props;
    const allowBreakGlass = args.getConfig<BreakGlassConfig>()[ALLOW_BREAK_GLASS] === true;
    if (args.type === TYPES.stackSetInstance) {
      const overrides = stringMap(props.parameterOverrides);
      if (RUN_AS_ENABLED_PARAMETER in overrides) {
        const problem = runAsEnabledProblem(overrides[RUN_AS_ENABLED_PARAMETER], allowBreakGlass);
        if (problem) reportViolation(`parameterOverrides.${RUN_AS_ENABLED_PARAMETER} ${problem}.`);
      }
      if (RUN_AS_DEFAULT_USER_PARAMETER in overrides) {
        const problem = userProblem(overrides[RUN_AS_DEFAULT_USER_PARAMETER]);
        if (problem) reportViolation(`parameterOverrides.${RUN_AS_DEFAULT_USER_PARAMETER}: ${problem}.`);
      }
      return;
    }
    if (args.type === TYPES.stack) {
      const template = templateOf(props);
      if (template && writerResources(template).length > 0) {
        checkWriterTemplate(props, stringMap(props.parameters), allowBreakGlass, reportViolation);
      }
      return;
    }
    if (isLzaRunShellExport(args.type)) {
      checkLzaRunShellExport(props, allowBreakGlass, reportViolation);
      return;
    }
    if (!isRunShellStackSet(args.type, props)) return;
    if (props.permissionModel !== "SERVICE_MANAGED") {
      reportViolation(
        `permissionModel is ${JSON.stringify(props.permissionModel ?? "SELF_MANAGED")}: it must be SERVICE_MANAGED ` +
          "so Organizations deploys the writer to every account under the targets.",
      );
    }
    const autoDeployment = stringMap(props.autoDeployment);
    if (autoDeployment.enabled !== true) {
      reportViolation(
        "autoDeployment.enabled is not true: accounts created or moved later would never get RunAs.",
      );
    }
    checkWriterTemplate(props, stringMap(props.parameters), allowBreakGlass, reportViolation);
  },
};
