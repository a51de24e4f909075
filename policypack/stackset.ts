// The StackSet policy: the RunShell StackSet reaches every account and enables RunAs with a safe fallback user.
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import {
  isLzaRunShellExport,
  isRunShellStackSet,
  objectList,
  stringList,
  stringMap,
  templateOf,
  type Props,
} from "./resources";
import {
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUN_AS_DEFAULT_USER_PROPERTY,
  RUN_AS_ENABLED_PROPERTY,
  RUNSHELL_STACKSET_NAME,
} from "./rules/names";
import { TYPES } from "./rules/types";
import { sessionUserProblem } from "./rules/values";
import { isTrue, parseTemplate, resolveValue, writerResources, type Template } from "./template";

/** The shared rule's message, with the value it refused. */
function userProblem(value: unknown): string | undefined {
  const problem = sessionUserProblem(value);
  return problem && `${JSON.stringify(value)}: ${problem}`;
}

function checkWriterTemplate(
  props: Props,
  parameterValues: Record<string, unknown>,
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
  for (const writer of writers) {
    const enabled = resolveValue(writer.properties[RUN_AS_ENABLED_PROPERTY], template, parameterValues);
    if (!enabled.ok) {
      reportViolation(`${writer.logicalId}.${RUN_AS_ENABLED_PROPERTY} ${enabled.reason}.`);
    } else if (!isTrue(enabled.value)) {
      reportViolation(
        `${writer.logicalId}.${RUN_AS_ENABLED_PROPERTY} is ${JSON.stringify(enabled.value)}: it must be "true".`,
      );
    }
    const user = resolveValue(writer.properties[RUN_AS_DEFAULT_USER_PROPERTY], template, parameterValues);
    const problem = user.ok ? userProblem(user.value) : user.reason;
    if (problem) reportViolation(`${writer.logicalId}.${RUN_AS_DEFAULT_USER_PROPERTY}: ${problem}.`);
  }
}

/** `[{name, value}]` → `{name: value}`: an LZA entry's parameters, as the template resolves them. */
function lzaParameterValues(parameters: unknown): Record<string, unknown> {
  return Object.fromEntries(objectList(parameters).map(({ name, value }) => [String(name), value]));
}

/**
 * runShellOwner lza: every StackSet entry of the export deploys the export's template with the writer, RunAs on
 * and a safe fallback user for its own parameters, to some OU, under a name the guardrail protects.
 */
function checkLzaRunShellExport(props: Props, reportViolation: ReportViolation): void {
  const entries = objectList(props.cloudFormationStackSets);
  if (entries.length === 0) {
    reportViolation(
      "The LZA export holds no cloudFormationStackSets entry: no account would get the writer.",
    );
  }
  for (const entry of entries) {
    const name = String(entry.name);
    const report: ReportViolation = (message) => reportViolation(`LZA entry ${name}: ${message}`);
    if (!name.startsWith(RUNSHELL_STACKSET_NAME)) {
      report(
        `the name does not start with ${RUNSHELL_STACKSET_NAME}: the guardrail protects only the stacks ` +
          `StackSet-${RUNSHELL_STACKSET_NAME}-*, so an account admin could change this one's writer.`,
      );
    }
    if (stringList(stringMap(entry.deploymentTargets).organizationalUnits).length === 0) {
      report("deploymentTargets.organizationalUnits is empty: the entry reaches no OU.");
    }
    checkWriterTemplate({ templateBody: props.templateBody }, lzaParameterValues(entry.parameters), report);
  }
}

export const stackSetWriter: ResourceValidationPolicy = {
  name: "ssm-runas-stackset-writer",
  description:
    "The RunShell StackSet is SERVICE_MANAGED with auto-deployment on (new accounts get the writer), and its " +
    'template carries the writer custom resource with RunAsEnabled "true" and a Linux RunAsDefaultUser other ' +
    "than root; the same template in a management-account stack, and per-OU user overrides, are checked too. " +
    "With runShellOwner lza, every StackSet entry of the LZA export is checked the same way against its parameters.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const props = args.props;
    if (args.type === TYPES.stackSetInstance) {
      const overrides = stringMap(props.parameterOverrides);
      if (RUN_AS_DEFAULT_USER_PARAMETER in overrides) {
        const problem = userProblem(overrides[RUN_AS_DEFAULT_USER_PARAMETER]);
        if (problem) reportViolation(`parameterOverrides.${RUN_AS_DEFAULT_USER_PARAMETER}: ${problem}.`);
      }
      return;
    }
    if (args.type === TYPES.stack) {
      const template = templateOf(props);
      if (template && writerResources(template).length > 0) {
        checkWriterTemplate(props, stringMap(props.parameters), reportViolation);
      }
      return;
    }
    if (isLzaRunShellExport(args.type)) {
      checkLzaRunShellExport(props, reportViolation);
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
    checkWriterTemplate(props, stringMap(props.parameters), reportViolation);
  },
};
