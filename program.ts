// The Pulumi program: validate the whole stack config first, then declare the components.
import * as pulumi from "@pulumi/pulumi";
import { AbacConfiguration } from "./components/abacConfiguration";
import { rawConfigFromPulumi } from "./components/pulumiConfig";
import { parseStackConfig, type StackConfig } from "./components/stackConfig";

/** Reads and validates the stack's config; a bad value stops the program before anything is declared. */
export function loadStackConfig(): StackConfig {
  const parsed = parseStackConfig(rawConfigFromPulumi(pulumi.runtime.allConfig()));
  for (const warning of parsed.warnings) void pulumi.log.warn(warning);
  if (!parsed.ok) {
    // RunError: the CLI prints the message alone, without a stack trace.
    throw new pulumi.RunError(parsed.errors.join("\n"));
  }
  return parsed.config;
}

export function declareStack(config: StackConfig) {
  const abac = new AbacConfiguration("identity-center-abac", {
    instanceArn: config.identityCenterInstanceArn,
    attributes: config.accessControlAttributes,
    importExisting: config.importExistingAbac,
  });
  return {
    abacInstanceArn: abac.instanceArn,
    abacAttributeKeys: abac.attributeKeys,
    abacRunAsSource: abac.runAsSource,
  };
}

export function runProgram() {
  return declareStack(loadStackConfig());
}
