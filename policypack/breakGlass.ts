// Break-glass: RunAsEnabled "false" makes the writer turn RunAs off wherever it runs and keep it off. A CrossGuard
// policy has one enforcement level for all its violations, so two policies share the rules below: the mandatory
// writer policy (./stackset) refuses "false" unless the pack's own config allows it — the say of whoever
// administers the pack, not of whoever edits the stack — and the advisory one here reports it whenever it is on,
// allowed or not, so that it is never silent.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  isLzaRunShellExport,
  isRunShellStackSet,
  lzaParameterValues,
  objectList,
  stringMap,
  templateOf,
  type Props,
} from "./resources";
import { RUN_AS_ENABLED_PARAMETER, RUN_AS_ENABLED_PROPERTY, RUN_AS_ENABLED_VARIABLE } from "./rules/names";
import { TYPES } from "./rules/types";
import { isTrue, resolveValue, writerResources, type Resolved, type Template } from "./template";

/** The writer policy's config property that lets RunAsEnabled be "false". */
export const ALLOW_BREAK_GLASS = "allowBreakGlass";
export const WRITER_POLICY_NAME = "ssm-runas-stackset-writer";

export interface BreakGlassConfig {
  [ALLOW_BREAK_GLASS]?: boolean;
}

/** CloudFormation passes properties and variables as strings; a boolean false means the same. */
export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** One place in a template that decides whether RunAs is on. */
export interface RunAsSwitch {
  where: string;
  resolved: Resolved;
}

/**
 * Every place of a template that decides RunAs: each writer custom resource's RunAsEnabled (what a stack update
 * applies) and each Lambda function's RUN_AS_ENABLED (what every later reconcile applies), resolved against the
 * parameter values.
 */
export function runAsSwitches(template: Template, parameterValues: Record<string, unknown>): RunAsSwitch[] {
  const properties = writerResources(template).map(({ logicalId, properties }) => ({
    where: `${logicalId}.${RUN_AS_ENABLED_PROPERTY}`,
    resolved: resolveValue(properties[RUN_AS_ENABLED_PROPERTY], template, parameterValues),
  }));
  const variables = template.resources.flatMap(({ logicalId, type, properties }) => {
    if (type !== "AWS::Lambda::Function") return [];
    const environment = stringMap(stringMap(properties.Environment).Variables);
    if (!(RUN_AS_ENABLED_VARIABLE in environment)) return [];
    return [
      {
        where: `${logicalId}.Environment.Variables.${RUN_AS_ENABLED_VARIABLE}`,
        resolved: resolveValue(environment[RUN_AS_ENABLED_VARIABLE], template, parameterValues),
      },
    ];
  });
  return [...properties, ...variables];
}

/** Why a resolved RunAsEnabled value is refused, or undefined when it is accepted. */
export function runAsEnabledProblem(value: unknown, allowBreakGlass: boolean): string | undefined {
  if (isTrue(value)) return undefined;
  if (isFalse(value)) {
    return allowBreakGlass
      ? undefined
      : `is "false" (break-glass: RunAs off everywhere): refused unless the policy pack's config sets ` +
          `${ALLOW_BREAK_GLASS} to true for ${WRITER_POLICY_NAME}`;
  }
  return `is ${JSON.stringify(value)}: it must be "true" (or "false" for break-glass)`;
}

/** The switches resolve to both values: the reconcile would undo what the stack update applies, or the reverse. */
export function disagreement(switches: readonly RunAsSwitch[]): string | undefined {
  const decided = switches.flatMap(({ where, resolved }) =>
    resolved.ok && (isTrue(resolved.value) || isFalse(resolved.value))
      ? [{ where, on: isTrue(resolved.value) }]
      : [],
  );
  if (decided.every(({ on }) => on) || decided.every(({ on }) => !on)) return undefined;
  const values = decided.map(({ where, on }) => `${where} "${on}"`).join(", ");
  return `RunAs is switched both ways (${values}): the writer would undo on every reconcile what a stack update applies`;
}

/** The switches of one writer deployment a resource carries, with where it turns RunAs off. */
interface WriterSwitches {
  /** Prefixes the message: an LZA export carries one deployment per StackSet entry. */
  label: string;
  reach: string;
  switches: RunAsSwitch[];
}

/**
 * What a resource says about RunAsEnabled: the template's switches, a stack instance's override, or (runShellOwner
 * lza) the export's template against each StackSet entry's parameters.
 */
function writerSwitchesOf(args: { type: string; props: Props }): WriterSwitches[] {
  if (args.type === TYPES.stackSetInstance) {
    const overrides = stringMap(args.props.parameterOverrides);
    if (!(RUN_AS_ENABLED_PARAMETER in overrides)) return [];
    const resolved = { ok: true as const, value: overrides[RUN_AS_ENABLED_PARAMETER] };
    return [
      {
        label: "",
        reach: "in this stack instance's accounts and region",
        switches: [{ where: `parameterOverrides.${RUN_AS_ENABLED_PARAMETER}`, resolved }],
      },
    ];
  }
  const template = templateOf(args.props);
  if (!template) return [];
  if (isLzaRunShellExport(args.type)) {
    return objectList(args.props.cloudFormationStackSets).map((entry) => ({
      label: `LZA entry ${String(entry.name)}: `,
      reach: "in every account and region of this entry's OUs once LZA's pipeline deploys it",
      switches: runAsSwitches(template, lzaParameterValues(entry.parameters)),
    }));
  }
  if (args.type === TYPES.stack) {
    return [
      {
        label: "",
        reach: "in this stack's account and region",
        switches: runAsSwitches(template, stringMap(args.props.parameters)),
      },
    ];
  }
  if (!isRunShellStackSet(args.type, args.props)) return [];
  return [
    {
      label: "",
      reach: "in every account and region this StackSet reaches",
      switches: runAsSwitches(template, stringMap(args.props.parameters)),
    },
  ];
}

export const breakGlassReported: ResourceValidationPolicy = {
  name: "ssm-runas-break-glass",
  description:
    'Reports break-glass wherever it is on: a RunShell writer (StackSet, management-account stack, stack instance, entry of the LZA export) whose RunAsEnabled resolves to "false". ' +
    `Advisory, so it is printed on every preview and update; ${WRITER_POLICY_NAME} refuses it unless its ${ALLOW_BREAK_GLASS} is true.`,
  enforcementLevel: "advisory",
  validateResource: (args: ResourceValidationArgs, reportViolation) => {
    for (const { label, reach, switches } of writerSwitchesOf(args)) {
      const off = switches.filter(({ resolved }) => resolved.ok && isFalse(resolved.value));
      if (off.length === 0) continue;
      reportViolation(
        `${label}break-glass is on (${off.map(({ where }) => where).join(", ")} "false"): RunAs goes off, and ` +
          `stays off, ${reach}; sessions start as ssm-user. Set runAsEnabled: true to return.`,
      );
    }
  },
};
