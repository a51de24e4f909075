// The Pulumi program: validate the whole stack config first, then declare the components.
import * as pulumi from "@pulumi/pulumi";
import { AbacConfiguration } from "./components/abacConfiguration";
import { readManagementProviderArgs, type ManagementProviderArgs } from "./config/awsProvider";
import { refuseOverlappingTargets } from "./config/deploymentTargets";
import { rawConfigFromPulumi } from "./config/pulumiConfig";
import { RunShellGuardrail, type RunShellGuardrailArgs } from "./components/guardrail/runShellGuardrail";
import { LzaGuardrailExport } from "./components/lza/lzaGuardrailExport";
import { LzaRunShellExport } from "./components/lza/lzaRunShellExport";
import type { OrganizationalUnitPaths } from "./components/lza/lzaConfig";
import { RunShellStackSet } from "./components/runShell/runShellStackSet";
import { lookUpOuPaths, requireOuPaths } from "./config/organizationalUnitPaths";
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

/** What the program looked up before declaring anything. */
interface DeclareContext {
  paths: OrganizationalUnitPaths;
  managementProviderArgs?: ManagementProviderArgs;
}

/** The writer: the program's StackSet, or (runShellOwner lza) its LZA export. */
function declareRunShell(config: StackConfig, context: DeclareContext) {
  const args = {
    defaultUser: config.runAsDefaultUser,
    runAsEnabled: config.runAsEnabled,
    ensureFallbackUser: config.ensureFallbackUser,
    deploymentTargets: config.deploymentTargets,
    organizationalUnitOverrides: config.organizationalUnitOverrides,
    regions: config.regions,
    onDelete: config.onDelete,
    operationPreferences: config.stackSetOperationPreferences,
    writerRuntime: config.writerRuntime,
  };
  if (config.runShellOwner === "lza") {
    const exported = new LzaRunShellExport("runshell-lza", {
      ...args,
      organizationalUnitPaths: context.paths,
    });
    return { lzaRunShellStackSetNames: exported.stackSetNames };
  }
  const runShell = new RunShellStackSet("runshell", {
    ...args,
    callAs: config.stackSetCallAs,
    includeManagementAccount: config.includeManagementAccount,
    managementProviderArgs: context.managementProviderArgs,
  });
  return {
    runShellStackSetName: runShell.stackSetName,
    runShellStackSetId: runShell.stackSetId,
    runShellManagementStackIds: runShell.managementStackIds,
  };
}

/** The SCPs: the program's policies and attachments, or (guardrailOwner lza) their LZA export. */
function declareGuardrail(config: StackConfig, { paths }: DeclareContext) {
  if (config.guardrailOwner === "lza") {
    const exported = new LzaGuardrailExport("runshell-guardrail-lza", {
      ...guardrailArgsOf(config),
      organizationalUnitPaths: paths,
    });
    return { lzaServiceControlPolicyNames: exported.policyNames };
  }
  const guardrail = new RunShellGuardrail("runshell-guardrail", guardrailArgsOf(config));
  return { scpPolicyIds: guardrail.policyIds, scpPolicyArns: guardrail.policyArns };
}

/**
 * Declares the components. `paths` names the OUs for an LZA export (default: those the config gives); an OU the
 * export needs without one stops the program before anything is declared. `managementProviderArgs`: required with
 * includeManagementAccount when the program owns the writer (config/awsProvider.ts).
 */
export function declareStack(
  config: StackConfig,
  {
    paths = config.organizationalUnitPaths,
    managementProviderArgs,
  }: { paths?: OrganizationalUnitPaths; managementProviderArgs?: ManagementProviderArgs } = {},
) {
  requireOuPaths(config, paths);
  const context: DeclareContext = { paths, managementProviderArgs };
  const abac = new AbacConfiguration("identity-center-abac", {
    instanceArn: config.identityCenterInstanceArn,
    attributes: config.accessControlAttributes,
    importExisting: config.importExistingAbac,
  });
  return {
    abacInstanceArn: abac.instanceArn,
    abacAttributeKeys: abac.attributeKeys,
    abacRunAsSource: abac.runAsSource,
    ...declareRunShell(config, context),
    ...declareGuardrail(config, context),
  };
}

/**
 * Validates the config, checks the targets against the organisation and looks up the OU paths an LZA export
 * needs, then declares: nothing on failure.
 */
export async function runProgram() {
  const config = loadStackConfig();
  await refuseOverlappingTargets(config);
  // The management-account stacks exist only where the program owns the writer.
  const managementProviderArgs =
    config.includeManagementAccount && config.runShellOwner === "pulumi"
      ? await readManagementProviderArgs()
      : undefined;
  return declareStack(config, { paths: await lookUpOuPaths(config), managementProviderArgs });
}
