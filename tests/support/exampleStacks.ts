import { rawConfigFromPulumi } from "../../config/pulumiConfig";
import type { RawStackConfig } from "../../config/schema";
import { PROJECT_DIR, readStackConfig } from "../../synth/stackFiles";

export const EXAMPLE_STACKS = ["dev", "prod"] as const;

/** The config the Pulumi CLI would hand the program for an example stack, as `namespace:key` → string. */
export function exampleStackConfig(stack: string): Record<string, string> {
  return readStackConfig(PROJECT_DIR, stack);
}

/** The same, decoded into raw values for `parseStackConfig`. */
export function exampleRawConfig(stack: string): RawStackConfig {
  return rawConfigFromPulumi(exampleStackConfig(stack));
}
