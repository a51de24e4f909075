// The RunShell StackSet for organisations whose Landing Zone Accelerator (LZA) owns StackSets: the template as
// YAML and the entry for `customizations.cloudFormationStackSets` in LZA's customizations-config.yaml, in the
// names of LZA's schema (ICloudFormationStackSet, IOperationPreferences). Pure.
import { stringify } from "yaml";
import type { DeclaredResource } from "./mockRuntime";
import {
  declaredPolicyAttachments,
  declaredScps,
  declaredStackSetInstances,
  runShellStackSetInputs,
  type StackSetInputs,
} from "./declared";
import type { RenderedFile } from "./renderedFile";

const LZA_TEMPLATE_NAME = "runshell-stackset.template.yaml";
export const LZA_TEMPLATE_FILE = `lza/${LZA_TEMPLATE_NAME}`;
export const LZA_CUSTOMIZATIONS_FILE = "lza/customizations-config.yaml";
export const LZA_ORGANIZATION_FILE = "lza/organization-config.yaml";
/** Where LZA's organization-config.yaml entries expect the policy files, relative to the configuration repository. */
const LZA_SCP_FOLDER = "service-control-policies";
/** Where the entry expects the template, relative to the root of the LZA configuration repository. */
export const LZA_TEMPLATE_PATH = `cloudformation/${LZA_TEMPLATE_NAME}`;
/** LZA names OUs by path; the organisation's root is `Root`. */
const LZA_ROOT_OU = "Root";

interface LzaStackSetEntry {
  name: string;
  description: string;
  template: string;
  capabilities: string[];
  deploymentTargets: { organizationalUnits: string[] };
  regions: string[];
  parameters: { name: string; value: string }[];
  operationPreferences: StackSetInputs["operationPreferences"];
}

/** The `cloudFormationStackSets` entry: the whole organisation (Root), the regions the instances cover. */
function lzaStackSetEntry(stackSet: StackSetInputs, regions: string[]): LzaStackSetEntry {
  const { regionConcurrencyType, maxConcurrentPercentage, failureTolerancePercentage } =
    stackSet.operationPreferences;
  return {
    name: stackSet.name,
    description: stackSet.description,
    template: LZA_TEMPLATE_PATH,
    capabilities: stackSet.capabilities,
    deploymentTargets: { organizationalUnits: [LZA_ROOT_OU] },
    regions,
    parameters: Object.entries(stackSet.parameters).map(([name, value]) => ({ name, value })),
    operationPreferences: { failureTolerancePercentage, maxConcurrentPercentage, regionConcurrencyType },
  };
}

function comments(lines: string[]): string {
  return lines.map((line) => `# ${line}`.trimEnd()).join("\n");
}

export function renderLzaExport(resources: DeclaredResource[]): RenderedFile[] {
  const stackSet = runShellStackSetInputs(resources);
  const instances = declaredStackSetInstances(resources);
  const regions = [...new Set(instances.map((i) => i.stackSetInstanceRegion))];
  const overrides = instances
    .filter((i) => i.parameterOverrides !== undefined)
    .map(
      (i) =>
        `${i.deploymentTargets.organizationalUnitIds.join(", ")} -> ${JSON.stringify(i.parameterOverrides)}`,
    );
  const header = [
    "The RunShell StackSet as LZA's customizations-config.yaml takes it (customizations.cloudFormationStackSets).",
    "Rendered by `ssm-runas synth` from the stack's config; change the config, not this file.",
    `1. Copy ${LZA_TEMPLATE_NAME} (beside this file) to ${LZA_TEMPLATE_PATH} in the LZA config repository.`,
    "2. Merge the entry below into customizations.cloudFormationStackSets of its customizations-config.yaml.",
    "LZA deploys StackSets self-managed, on its pipeline runs; its operationPreferences have no concurrencyMode,",
    "so CloudFormation's strict mode applies: at most failure tolerance + 1 accounts per region at once.",
    "Its stacks run as LZA's StackSet execution role (AWSCloudFormationStackSetExecutionRole unless the entry",
    "names executionRoleName), which the SCP lets manage the writer only once the stack config names it:",
    "set stackSetExecutionRoleArnPattern to e.g. arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole,",
    "and the policy pack's stackSetExecutionRoleArnPattern to the same (docs/lza.md).",
    ...(overrides.length === 0
      ? []
      : [
          "Not exported: LZA's StackSet entries take one parameter set, so these per-OU defaults",
          "(organizationalUnitOverrides) have no equivalent here and those OUs get the parameters below:",
          ...[...new Set(overrides)].map((line) => `  ${line}`),
        ]),
  ];
  const entry = { customizations: { cloudFormationStackSets: [lzaStackSetEntry(stackSet, regions)] } };
  return [
    {
      file: LZA_TEMPLATE_FILE,
      // YAML 1.1 quotes strings a 1.1 reader would take for something else (2010-09-09 is a date there).
      content: stringify(JSON.parse(stackSet.templateBody), { version: "1.1", lineWidth: 0 }),
    },
    {
      file: LZA_CUSTOMIZATIONS_FILE,
      content: `${comments(header)}\n${stringify(entry, { lineWidth: 0 })}`,
    },
  ];
}

/** The SCP attachments' targets: `Root` for the organisation's root, the OU ids as given otherwise. */
function scpTargets(resources: DeclaredResource[]): string[] {
  const ids = declaredPolicyAttachments(resources).map((attachment) => attachment.targetId);
  return [...new Set(ids.map((id) => (id.startsWith("r-") ? LZA_ROOT_OU : id)))];
}

/**
 * The SCPs for organisations whose LZA owns SCPs: each policy file under `service-control-policies/`, and the
 * `serviceControlPolicies` entries of organization-config.yaml in the names of LZA's IServiceControlPolicyConfig
 * (config/lib/models/organization-config.ts: name, description, policy, type, deploymentTargets; the optional
 * `strategy` is left out, LZA's default being deny-list, which these Deny-only policies are).
 */
export function renderLzaScps(resources: DeclaredResource[]): RenderedFile[] {
  const scps = declaredScps(resources);
  const targets = scpTargets(resources);
  const header = [
    "The ssm-runas-sync SCPs as LZA's organization-config.yaml takes them (serviceControlPolicies).",
    "Rendered by `ssm-runas synth` from the stack's config; change the config, not this file.",
    `1. Copy the files of ${LZA_SCP_FOLDER}/ (beside this file) to ${LZA_SCP_FOLDER}/ in the LZA config repository.`,
    "2. Merge the entries below into serviceControlPolicies of its organization-config.yaml.",
    ...(targets.some((target) => target !== LZA_ROOT_OU)
      ? ["LZA names OUs by path (e.g. Workloads/Prod): replace the OU ids below with those names."]
      : []),
  ];
  const entries = scps.map(({ name, description }) => ({
    name,
    description,
    policy: `${LZA_SCP_FOLDER}/${name}.json`,
    type: "customerManaged",
    // A copy each: a shared array would come out as a YAML anchor and alias, which reviewers misread.
    deploymentTargets: { organizationalUnits: [...targets] },
  }));
  return [
    ...scps.map(({ name, content }) => ({
      file: `lza/${LZA_SCP_FOLDER}/${name}.json`,
      // Minified, as Organizations stores it: whether LZA strips whitespace is not documented.
      content,
    })),
    {
      file: LZA_ORGANIZATION_FILE,
      content: `${comments(header)}\n${stringify({ serviceControlPolicies: entries }, { lineWidth: 0 })}`,
    },
  ];
}
