// synth's lza/ files: the writer and the SCPs for a Landing Zone Accelerator (LZA) configuration repository.
// With an owner lza they are the export components' inputs; otherwise they are built from the StackSet and SCP
// resources through the same builders (components/lza/lzaConfig.ts), so both modes write the same files for the
// same config. Pure.
import { stringify } from "yaml";
import {
  lzaGuardrailExportInputs,
  lzaRunShellExportInputs,
  type OrganizationalUnitPaths,
} from "../components/lza/lzaConfig";
import {
  LZA_SCP_FOLDER,
  LZA_TEMPLATE_NAME,
  LZA_TEMPLATE_PATH,
  type LzaDeploymentTargets,
  type LzaGuardrailExportInputs,
  type LzaRunShellExportInputs,
  type LzaServiceControlPolicyEntry,
  type LzaStackSetEntry,
} from "../policypack/rules/lza";
import { OU_ID_PATTERN } from "../policypack/rules/values";
import {
  declaredScps,
  lzaGuardrailExportInputsOf,
  lzaRunShellExportInputsOf,
  runShellStackSetInputs,
  scpAttachmentTargets,
  declaredStackSetInstances,
} from "./declared";
import type { DeclaredResource } from "./mockRuntime";
import type { RenderedFile } from "./renderedFile";

export const LZA_TEMPLATE_FILE = `lza/${LZA_TEMPLATE_NAME}`;
export const LZA_CUSTOMIZATIONS_FILE = "lza/customizations-config.yaml";
export const LZA_ORGANIZATION_FILE = "lza/organization-config.yaml";

/** The writer's LZA export: the component's inputs, or built from the StackSet and its instances. */
export function lzaRunShellExportOf(
  resources: DeclaredResource[],
  paths: OrganizationalUnitPaths,
): LzaRunShellExportInputs {
  const exported = lzaRunShellExportInputsOf(resources);
  if (exported) return exported;
  const stackSet = runShellStackSetInputs(resources);
  const instances = declaredStackSetInstances(resources);
  return lzaRunShellExportInputs(
    {
      description: stackSet.description,
      capabilities: stackSet.capabilities,
      regions: [...new Set(instances.map((i) => i.stackSetInstanceRegion))],
      operationPreferences: stackSet.operationPreferences,
      parameters: stackSet.parameters,
      instances: instances.flatMap(({ deploymentTargets, parameterOverrides }) =>
        deploymentTargets.organizationalUnitIds.map((target) => ({ target, parameterOverrides })),
      ),
      templateBody: stackSet.templateBody,
    },
    paths,
  );
}

/** The SCPs' LZA export: the component's inputs, or built from the policies and their attachments. */
export function lzaGuardrailExportOf(
  resources: DeclaredResource[],
  paths: OrganizationalUnitPaths,
): LzaGuardrailExportInputs {
  return (
    lzaGuardrailExportInputsOf(resources) ??
    lzaGuardrailExportInputs(declaredScps(resources), scpAttachmentTargets(resources), paths)
  );
}

// The engine hands a component's inputs back with their keys sorted: the files list them in LZA's own order.
function inLzaOrder(entry: LzaStackSetEntry): LzaStackSetEntry {
  const { failureTolerancePercentage, maxConcurrentPercentage, regionConcurrencyType } =
    entry.operationPreferences;
  return {
    name: entry.name,
    description: entry.description,
    template: entry.template,
    capabilities: entry.capabilities,
    deploymentTargets: { organizationalUnits: entry.deploymentTargets.organizationalUnits },
    regions: entry.regions,
    parameters: entry.parameters.map(({ name, value }) => ({ name, value })),
    operationPreferences: { failureTolerancePercentage, maxConcurrentPercentage, regionConcurrencyType },
  };
}

function scpInLzaOrder(entry: LzaServiceControlPolicyEntry): LzaServiceControlPolicyEntry {
  return {
    name: entry.name,
    description: entry.description,
    policy: entry.policy,
    type: entry.type,
    deploymentTargets: { organizationalUnits: entry.deploymentTargets.organizationalUnits },
  };
}

function comments(lines: string[]): string {
  return lines.map((line) => `# ${line}`.trimEnd()).join("\n");
}

/** Where an OU id stands for want of its LZA name (Pulumi mode, no organizationalUnitPaths entry). */
function unnamedOus(targets: LzaDeploymentTargets[]): string[] {
  const ids = targets.flatMap(({ organizationalUnits }) =>
    organizationalUnits.filter((ou) => OU_ID_PATTERN.test(ou)),
  );
  return [...new Set(ids)];
}

function unnamedOusNote(ids: string[]): string[] {
  if (ids.length === 0) return [];
  return [
    `LZA names OUs by path (e.g. Workloads/Prod): replace ${ids.join(", ")} below with those names, or give them in`,
    "the stack config's organizationalUnitPaths and render again.",
  ];
}

/** `lza/runshell-stackset.template.yaml` and `lza/customizations-config.yaml`. */
export function renderLzaRunShell(exported: LzaRunShellExportInputs): RenderedFile[] {
  const entries = exported.cloudFormationStackSets;
  const header = [
    "The RunShell writer as LZA's customizations-config.yaml takes it (customizations.cloudFormationStackSets).",
    "Rendered by `ssm-runas synth` from the stack's config; change the config, not this file.",
    `1. Copy ${LZA_TEMPLATE_NAME} (beside this file) to ${LZA_TEMPLATE_PATH} in the LZA config repository.`,
    "2. Merge the entries below into customizations.cloudFormationStackSets of its customizations-config.yaml.",
    "An entry takes one parameter set: each per-OU fallback user (organizationalUnitOverrides) has its own entry.",
    "LZA deploys an OU's entry to the accounts placed directly in it, so the OUs nested in a target are listed too;",
    "Root is every account LZA manages, the management account included.",
    "LZA deploys StackSets self-managed, on its pipeline runs; its operationPreferences have no concurrencyMode,",
    "so CloudFormation's strict mode applies: at most failure tolerance + 1 accounts per region at once.",
    "Its stacks run as LZA's StackSet execution role (AWSCloudFormationStackSetExecutionRole unless the entry",
    "names executionRoleName), which the SCP lets manage the writer only once the stack config names it:",
    "set stackSetExecutionRoleArnPattern to e.g. arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole,",
    "and the policy pack's stackSetExecutionRoleArnPattern to the same (docs/lza.md).",
    ...unnamedOusNote(unnamedOus(entries.map((entry) => entry.deploymentTargets))),
  ];
  return [
    {
      file: LZA_TEMPLATE_FILE,
      // YAML 1.1 quotes strings a 1.1 reader would take for something else (2010-09-09 is a date there).
      content: stringify(JSON.parse(exported.templateBody), { version: "1.1", lineWidth: 0 }),
    },
    {
      file: LZA_CUSTOMIZATIONS_FILE,
      content: `${comments(header)}\n${stringify({ customizations: { cloudFormationStackSets: entries.map(inLzaOrder) } }, { lineWidth: 0 })}`,
    },
  ];
}

/** `lza/service-control-policies/<name>.json` and `lza/organization-config.yaml`. */
export function renderLzaGuardrail(exported: LzaGuardrailExportInputs): RenderedFile[] {
  const entries = exported.serviceControlPolicies;
  const header = [
    "The ssm-runas-sync SCPs as LZA's organization-config.yaml takes them (serviceControlPolicies).",
    "Rendered by `ssm-runas synth` from the stack's config; change the config, not this file.",
    `1. Copy the files of ${LZA_SCP_FOLDER}/ (beside this file) to ${LZA_SCP_FOLDER}/ in the LZA config repository.`,
    "2. Merge the entries below into serviceControlPolicies of its organization-config.yaml.",
    ...unnamedOusNote(unnamedOus(entries.map((entry) => entry.deploymentTargets))),
  ];
  return [
    ...exported.policies.map(({ name, content }) => ({
      file: `lza/${LZA_SCP_FOLDER}/${name}.json`,
      // Minified, as Organizations stores it (LZA minifies a policy file before creating the policy too).
      content,
    })),
    {
      file: LZA_ORGANIZATION_FILE,
      content: `${comments(header)}\n${stringify({ serviceControlPolicies: entries.map(scpInLzaOrder) }, { lineWidth: 0 })}`,
    },
  ];
}

/** Every lza/ file, for either owner of either piece. */
export function renderLzaExport(
  resources: DeclaredResource[],
  paths: OrganizationalUnitPaths,
): RenderedFile[] {
  return [
    ...renderLzaRunShell(lzaRunShellExportOf(resources, paths)),
    ...renderLzaGuardrail(lzaGuardrailExportOf(resources, paths)),
  ];
}
