// The Pulumi program: validate the whole stack config first, then declare the components.
import * as pulumi from "@pulumi/pulumi";
import { AbacConfiguration } from "./components/abacConfiguration";
import { readManagementProviderArgs, type ManagementProviderArgs } from "./config/awsProvider";
import { refuseOverlappingTargets } from "./config/deploymentTargets";
import { rawConfigFromPulumi } from "./config/pulumiConfig";
import { RunShellGuardrail, type RunShellGuardrailArgs } from "./components/guardrail/runShellGuardrail";
import { RunShellStackSet } from "./components/runShell/runShellStackSet";
import { parseStackConfig, type StackConfig } from "./config/schema";

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

/** The guardrail's arguments from the stack config. */
export function guardrailArgsOf(config: StackConfig): RunShellGuardrailArgs {
  return {
    targets: config.scpTargets,
    exceptionPrincipalArns: config.scpExceptionPrincipalArns,
    stackSetExecutionRoleArnPattern: config.stackSetExecutionRoleArnPattern,
    deployPrincipalArns: config.deployPrincipalArns,
    exceptionStackArnPatterns: config.exceptionStackArnPatterns,
    regions: config.regions,
    restrictSessionRegions: config.restrictSessionRegions,
    allowedSessionDocuments: config.allowedSessionDocuments,
  };
}

/** `managementProviderArgs`: required with includeManagementAccount (config/awsProvider.ts). */
export function declareStack(config: StackConfig, managementProviderArgs?: ManagementProviderArgs) {
  const abac = new AbacConfiguration("identity-center-abac", {
    instanceArn: config.identityCenterInstanceArn,
    attributes: config.accessControlAttributes,
    importExisting: config.importExistingAbac,
  });
  const runShell = new RunShellStackSet("runshell", {
    defaultUser: config.runAsDefaultUser,
    runAsEnabled: config.runAsEnabled,
    deploymentTargets: config.deploymentTargets,
    organizationalUnitOverrides: config.organizationalUnitOverrides,
    regions: config.regions,
    callAs: config.stackSetCallAs,
    onDelete: config.onDelete,
    operationPreferences: config.stackSetOperationPreferences,
    includeManagementAccount: config.includeManagementAccount,
    managementProviderArgs,
    writerRuntime: config.writerRuntime,
  });
  const guardrail = new RunShellGuardrail("runshell-guardrail", guardrailArgsOf(config));
  return {
    abacInstanceArn: abac.instanceArn,
    abacAttributeKeys: abac.attributeKeys,
    abacRunAsSource: abac.runAsSource,
    runShellStackSetName: runShell.stackSetName,
    runShellStackSetId: runShell.stackSetId,
    runShellManagementStackIds: runShell.managementStackIds,
    scpPolicyIds: guardrail.policyIds,
    scpPolicyArns: guardrail.policyArns,
  };
}

/** Validates the config, then checks the targets against the organisation, then declares: nothing on failure. */
export async function runProgram() {
  const config = loadStackConfig();
  await refuseOverlappingTargets(config);
  const managementProviderArgs = config.includeManagementAccount
    ? await readManagementProviderArgs()
    : undefined;
  return declareStack(config, managementProviderArgs);
}
