// The I/O edge between Pulumi's config (flat strings, structured values as JSON) and the pure schema.
import { z } from "zod";
import { CONFIG_NAMESPACE } from "../policypack/rules/names";
import { stackConfigSchema, type RawStackConfig, type StackConfig } from "./schema";

export type PulumiConfigType = "string" | "boolean" | "array" | "object";

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
}

function unwrapDefault(schema: z.ZodType): { def: SchemaDef; defaultValue?: unknown } {
  const def = schema.def as SchemaDef;
  return def.type === "default" && def.innerType
    ? { def: def.innerType.def as SchemaDef, defaultValue: def.defaultValue }
    : { def };
}

const PULUMI_TYPES: Record<string, PulumiConfigType> = {
  string: "string",
  enum: "string",
  boolean: "boolean",
  array: "array",
  object: "object",
  record: "object",
};

export interface ConfigKeyDeclaration {
  /** The type Pulumi.yaml declares for the key. */
  type: PulumiConfigType;
  /** Absent for required keys. */
  defaultValue?: unknown;
}

/** What the schema says about each key, in the terms of Pulumi's project config declarations. */
export const CONFIG_KEY_DECLARATIONS = Object.fromEntries(
  Object.entries(stackConfigSchema.shape).map(([key, schema]) => {
    const { def, defaultValue } = unwrapDefault(schema as z.ZodType);
    const type = PULUMI_TYPES[def.type];
    if (!type) throw new Error(`stack config key ${key}: no Pulumi config type for schema type ${def.type}`);
    return [key, defaultValue === undefined ? { type } : { type, defaultValue }];
  }),
) as Record<keyof StackConfig, ConfigKeyDeclaration>;

/** Turns `namespace:key` → string pairs into raw values for `parseStackConfig`, decoding JSON where the key takes it. */
export function rawConfigFromPulumi(all: Record<string, string>): RawStackConfig {
  const raw: RawStackConfig = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== CONFIG_NAMESPACE || key === undefined) continue;
    if (CONFIG_KEY_DECLARATIONS[key as keyof StackConfig]?.type === "string") {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text);
    } catch {
      raw[key] = text; // the schema then names the key and the type it expected
    }
  }
  return raw;
}
