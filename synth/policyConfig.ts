// Pulumi's `--policy-pack-config` for the pack run in-process: per-policy enforcement levels and properties,
// checked against each policy's config schema with its defaults applied, as the policy host does.
import * as fs from "node:fs";
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** What `new PolicyPack(...)` defaults a policy without its own enforcement level to. */
const PACK_DEFAULT_ENFORCEMENT: EnforcementLevel = "advisory";

/** Pulumi's `--policy-pack-config` file: policy name → enforcement level, or {enforcementLevel?, ...properties}. */
export type PolicyPackConfig = Record<string, unknown>;

export class PolicyConfigError extends Error {}

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
