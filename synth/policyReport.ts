// Runs the CrossGuard pack (policypack/policies.ts) in-process over the resources a program declared on the
// mock runtime, the way the Pulumi engine's analyzer host would: resource policies once per resource with
// its inputs, stack policies once with every resource, per-policy config with the schema's defaults applied,
// enforcement levels from the config overriding the policy's own. Serves `synth` and the policy tests.
import * as fs from "node:fs";
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { policies as packPolicies } from "../policypack/policies";
import type { DeclaredResource } from "./mockRuntime";
import type { RenderedFile } from "./render";

export const POLICY_REPORT_FILE = "policy-report.json";
/** What `new PolicyPack(...)` defaults a policy without its own enforcement level to. */
const PACK_DEFAULT_ENFORCEMENT: EnforcementLevel = "advisory";

export interface PolicyViolation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory";
  message: string;
  /** URN of the resource in violation; null when the stack as a whole is. */
  resource: string | null;
}

export interface PolicyReport {
  violations: PolicyViolation[];
}

/** Pulumi's `--policy-pack-config` file: policy name → enforcement level, or {enforcementLevel?, ...properties}. */
export type PolicyPackConfig = Record<string, unknown>;

export class PolicyConfigError extends Error {}

export interface PolicyRunOptions {
  /** The Pulumi project, for the `pulumi:project` stack tag. */
  project: string;
  stack: string;
  config?: PolicyPackConfig;
  policies?: Policies;
}

/** What `args.notApplicable(reason)` throws, as the policy host's own NotApplicableError. */
export class NotApplicableError extends Error {
  constructor(reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The subset of JSON Schema the pack's config schemas use: type, items.type, minimum, maximum. */
function schemaProblems(value: unknown, schema: PolicyConfigJSONSchema, where: string): string[] {
  const expected = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  if (expected.length > 0 && !expected.includes(actual as never)) {
    if (!(actual === "integer" && expected.includes("number"))) {
      return [`${where}: ${JSON.stringify(value)} is not of type ${expected.join(" or ")}`];
    }
  }
  const problems: string[] = [];
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      problems.push(`${where}: ${value} is less than the minimum ${schema.minimum}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      problems.push(`${where}: ${value} is more than the maximum ${schema.maximum}`);
    }
  }
  if (
    Array.isArray(value) &&
    schema.items &&
    typeof schema.items === "object" &&
    !Array.isArray(schema.items)
  ) {
    const items = schema.items;
    value.forEach((item, index) => problems.push(...schemaProblems(item, items, `${where}[${index}]`)));
  }
  return problems;
}

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  /** The policy's config properties, schema defaults applied (what `args.getConfig()` returns). */
  properties: Record<string, unknown>;
}

/**
 * A policy's effective config, as the Pulumi CLI computes it from `--policy-pack-config`: the entry for
 * the policy (a bare enforcement level, or an object), unknown and mistyped properties refused, and the
 * schema's defaults filled in.
 */
export function resolvePolicyConfig(
  policy: { name: string; enforcementLevel?: EnforcementLevel; configSchema?: PolicyConfigSchema },
  config: PolicyPackConfig = {},
): ResolvedPolicyConfig {
  const entry = config[policy.name];
  let enforcementLevel = policy.enforcementLevel ?? PACK_DEFAULT_ENFORCEMENT;
  // `all` sets the level of every policy; a policy's own entry overrides it.
  const all = config.all;
  const allLevel =
    typeof all === "string" ? all : (all as { enforcementLevel?: unknown } | undefined)?.enforcementLevel;
  if (allLevel !== undefined) {
    if (typeof allLevel !== "string" || !LEVELS.includes(allLevel)) {
      throw new PolicyConfigError(`all: unknown enforcement level ${JSON.stringify(allLevel)}`);
    }
    enforcementLevel = allLevel as EnforcementLevel;
  }
  const given: Record<string, unknown> = {};
  if (typeof entry === "string") {
    if (!LEVELS.includes(entry))
      throw new PolicyConfigError(`${policy.name}: unknown enforcement level ${entry}`);
    enforcementLevel = entry as EnforcementLevel;
  } else if (entry !== undefined) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new PolicyConfigError(`${policy.name}: config must be an enforcement level or an object`);
    }
    for (const [key, value] of Object.entries(entry)) {
      if (key === "enforcementLevel") {
        if (typeof value !== "string" || !LEVELS.includes(value)) {
          throw new PolicyConfigError(
            `${policy.name}.enforcementLevel: unknown level ${JSON.stringify(value)}`,
          );
        }
        enforcementLevel = value as EnforcementLevel;
      } else {
        given[key] = value;
      }
    }
  }
  const properties: Record<string, unknown> = {};
  const schema = policy.configSchema?.properties ?? {};
  for (const [key, value] of Object.entries(given)) {
    const property = schema[key];
    if (!property) throw new PolicyConfigError(`${policy.name}.${key}: not a config property of this policy`);
    const problems = schemaProblems(value, property, `${policy.name}.${key}`);
    if (problems.length > 0) throw new PolicyConfigError(problems.join("; "));
    properties[key] = value;
  }
  for (const [key, property] of Object.entries(schema)) {
    if (!(key in properties) && property.default !== undefined) {
      properties[key] = JSON.parse(JSON.stringify(property.default));
    }
  }
  for (const key of policy.configSchema?.required ?? []) {
    if (!(key in properties)) throw new PolicyConfigError(`${policy.name}.${key}: required`);
  }
  return { enforcementLevel, properties };
}

/** Reads a `--policy-pack-config` JSON file. */
export function readPolicyPackConfig(file: string): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyConfigError(`${file}: not found`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PolicyConfigError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PolicyConfigError(`${file}: must hold a JSON object (policy name → config)`);
  }
  return parsed as PolicyPackConfig;
}

function optionsOf(resource: DeclaredResource): PolicyResourceOptions {
  return {
    protect: resource.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: resource.parent || undefined,
  };
}

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: string; isInstance?: unknown };

/** As the policy host does: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  return typeof resourceClass.__pulumiType === "string" && resourceClass.__pulumiType === type;
}

export function stackTagsFor(project: string, stack: string): ReadonlyMap<string, string> {
  return new Map([
    ["pulumi:project", project],
    ["pulumi:runtime", "nodejs"],
    ["pulumi:stack", stack],
  ]);
}

/** The argument bag the policy host passes a resource validation: the resource's inputs as props. */
export function resourceValidationArgs(
  resource: DeclaredResource,
  getConfig: () => object,
  stackTags: ReadonlyMap<string, string>,
): ResourceValidationArgs {
  const props = resource.inputs;
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: optionsOf(resource),
    stackTags,
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass as unknown as ResourceClass),
    asType: ((resourceClass: ResourceClass) =>
      isTypeOf(resource.type, resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: getConfig as ResourceValidationArgs["getConfig"],
    notApplicable: throwNotApplicable,
  };
}

/** The id the mock runtime gives a custom resource (synth/mockRuntime.ts newResource). */
function mockIdOf(resource: DeclaredResource): string {
  return resource.importId ?? `${resource.name}-id`;
}

/**
 * The resources a stack validation sees. The engine passes outputs; on the mock runtime a resource's
 * outputs are its inputs plus its id, as for a bridged provider's state.
 */
export function policyResources(resources: readonly DeclaredResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const result = resources.map((resource) => {
    const props: Record<string, unknown> = resource.custom
      ? { ...resource.inputs, id: mockIdOf(resource) }
      : { ...resource.inputs };
    const policyResource: PolicyResource = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass as unknown as ResourceClass),
      asType: ((resourceClass: ResourceClass) =>
        isTypeOf(resource.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    const parent = byUrn.get(resource.parent);
    if (parent) result[index].parent = parent;
  });
  return result;
}

export function stackValidationArgs(
  resources: PolicyResource[],
  getConfig: () => object,
  stackTags: ReadonlyMap<string, string>,
): StackValidationArgs {
  return {
    resources,
    stackTags,
    getConfig: getConfig as StackValidationArgs["getConfig"],
    notApplicable: throwNotApplicable,
  };
}

function validationsOf(policy: ResourceValidationPolicy) {
  const v = policy.validateResource;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Runs every policy of the pack over the declared resources and collects the violations. */
export async function runPolicyPack(
  resources: readonly DeclaredResource[],
  options: PolicyRunOptions,
): Promise<PolicyReport> {
  const violations: PolicyViolation[] = [];
  const stackTags = stackTagsFor(options.project, options.stack);
  const all = options.policies ?? packPolicies;
  for (const name of Object.keys(options.config ?? {})) {
    if (name !== "all" && !all.some((policy) => policy.name === name)) {
      throw new PolicyConfigError(`${name}: not a policy of this pack`);
    }
  }
  for (const policy of all) {
    const resolved = resolvePolicyConfig(policy, options.config);
    if (resolved.enforcementLevel === "disabled") continue;
    const enforcementLevel = resolved.enforcementLevel === "advisory" ? "advisory" : "mandatory";
    const getConfig = () => JSON.parse(JSON.stringify(resolved.properties)) as object;
    const reporter =
      (defaultUrn: string | null): ReportViolation =>
      (message, urn) =>
        violations.push({ policy: policy.name, enforcementLevel, message, resource: urn ?? defaultUrn });
    try {
      if (isStackPolicy(policy)) {
        const args = stackValidationArgs(policyResources(resources), getConfig, stackTags);
        await policy.validateStack(args, reporter(null));
        continue;
      }
      for (const resource of resources) {
        for (const validate of validationsOf(policy)) {
          try {
            // A resource validation's own urn argument is ignored by the host: the resource's urn is used.
            const report: ReportViolation = (message) => reporter(resource.urn)(message);
            await validate(resourceValidationArgs(resource, getConfig, stackTags), report);
          } catch (err) {
            if (!(err instanceof NotApplicableError)) throw err;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof NotApplicableError)) throw err;
    }
  }
  return { violations };
}

export function mandatoryViolations(report: PolicyReport): PolicyViolation[] {
  return report.violations.filter((v) => v.enforcementLevel === "mandatory");
}

/** One line per violation, naming the policy, for stderr. */
export function formatViolation(violation: PolicyViolation): string {
  const where = violation.resource ? ` (${violation.resource})` : "";
  return `policy ${violation.policy} [${violation.enforcementLevel}]: ${violation.message}${where}`;
}

export function renderPolicyReport(report: PolicyReport): RenderedFile {
  return { file: POLICY_REPORT_FILE, content: `${JSON.stringify(report, null, 2)}\n` };
}
