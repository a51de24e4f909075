// prod's SCP options, read from Pulumi.prod.yaml the way program.ts hands them to the renderer.
import type { ScpOptions } from "../../../components/guardrail/scpDocument";
import { parseStackConfig, type StackConfig } from "../../../config/schema";
import { exampleRawConfig } from "../../support/exampleStacks";

export function exampleConfig(stack: string): StackConfig {
  const parsed = parseStackConfig(exampleRawConfig(stack));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.config;
}

export function scpOptionsOf(config: StackConfig): ScpOptions {
  return {
    exceptionPrincipalArns: config.scpExceptionPrincipalArns,
    stackSetExecutionRoleArnPattern: config.stackSetExecutionRoleArnPattern,
    deployPrincipalArns: config.deployPrincipalArns,
    exceptionStackArnPatterns: config.exceptionStackArnPatterns,
    regions: config.regions,
    restrictSessionRegions: config.restrictSessionRegions,
    allowedSessionDocuments: config.allowedSessionDocuments,
  };
}

export const prodScpOptions = (): ScpOptions => scpOptionsOf(exampleConfig("prod"));
