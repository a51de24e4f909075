// The I/O edge between Pulumi's config (flat strings, structured values as JSON) and the pure schema.
import { z } from "zod";
import { CONFIG_NAMESPACE, stackConfigSchema, type RawStackConfig } from "./stackConfig";

function schemaKind(schema: z.ZodType): string {
  const def = schema.def as { type: string; innerType?: z.ZodType };
  return def.type === "default" && def.innerType ? schemaKind(def.innerType) : def.type;
}

const KIND_BY_KEY = new Map(
  Object.entries(stackConfigSchema.shape).map(([key, schema]) => [key, schemaKind(schema as z.ZodType)]),
);

/** Turns `namespace:key` → string pairs into raw values for `parseStackConfig`, decoding JSON where the key takes it. */
export function rawConfigFromPulumi(all: Record<string, string>): RawStackConfig {
  const raw: RawStackConfig = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== CONFIG_NAMESPACE || key === undefined) continue;
    const kind = KIND_BY_KEY.get(key);
    if (kind === "string" || kind === "enum") {
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
