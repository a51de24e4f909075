// What the Landing Zone Accelerator (LZA) export holds: the LZA-mode components carry it as their inputs, synth
// writes it into lza/, and the policy pack checks it. The entries use LZA's own property names, from its config
// package at release v1.15.5 (landing-zone-accelerator-on-aws, commit 61bba812ce71472684bb7c07f60f1e7100b18cc9,
// under source/packages/@aws-accelerator/config/lib/): ICloudFormationStackSet in models/customizations-config.ts,
// IServiceControlPolicyConfig in models/organization-config.ts, IDeploymentTargets, ICfnParameter and
// IOperationPreferences in common/types.ts. Types only: the pack publishes on its own.

/** LZA's name for the organisation's root in `deploymentTargets.organizationalUnits`. */
export const LZA_ROOT_OU = "Root";

/** Where the export puts things in an LZA configuration repository. */
export const LZA_TEMPLATE_NAME = "runshell-stackset.template.yaml";
export const LZA_TEMPLATE_PATH = `cloudformation/${LZA_TEMPLATE_NAME}`;
export const LZA_SCP_FOLDER = "service-control-policies";

/** ICfnParameter: one template parameter, LZA's StackSet entries take one set for every target. */
export interface LzaCfnParameter {
  name: string;
  value: string;
}

/** IDeploymentTargets, as far as the export uses it: OUs by LZA name path, `Root` for the root. */
export interface LzaDeploymentTargets {
  organizationalUnits: string[];
}

/** IOperationPreferences (LZA has no concurrencyMode: its StackSet operations run strict). */
export interface LzaOperationPreferences {
  failureTolerancePercentage: number;
  maxConcurrentPercentage: number;
  regionConcurrencyType: string;
}

/** ICloudFormationStackSet: one `customizations.cloudFormationStackSets` entry. */
export interface LzaStackSetEntry {
  name: string;
  description: string;
  template: string;
  capabilities: string[];
  deploymentTargets: LzaDeploymentTargets;
  regions: string[];
  parameters: LzaCfnParameter[];
  operationPreferences: LzaOperationPreferences;
}

/** IServiceControlPolicyConfig: one `serviceControlPolicies` entry (strategy left to LZA's deny-list default). */
export interface LzaServiceControlPolicyEntry {
  name: string;
  description: string;
  policy: string;
  type: "customerManaged";
  deploymentTargets: LzaDeploymentTargets;
}

/** The LzaRunShellExport component's inputs: the StackSet entries and the template they deploy (JSON text). */
export interface LzaRunShellExportInputs {
  cloudFormationStackSets: LzaStackSetEntry[];
  templateBody: string;
}

/** The LzaGuardrailExport component's inputs: the SCP entries and each policy file's content. */
export interface LzaGuardrailExportInputs {
  serviceControlPolicies: LzaServiceControlPolicyEntry[];
  policies: { name: string; content: string }[];
}
