// The Landing Zone Accelerator (LZA) configuration entries for what the program deploys, built from the same
// description the Pulumi resources are declared from. The LZA-mode components carry them as their inputs; synth
// renders lza/ from those inputs, or in Pulumi mode from the StackSet and SCP resources, through these functions
// either way. Pure.
import { createHash } from "node:crypto";
import {
  LZA_ROOT_OU,
  LZA_SCP_FOLDER,
  LZA_TEMPLATE_PATH,
  type LzaGuardrailExportInputs,
  type LzaOperationPreferences,
  type LzaRunShellExportInputs,
  type LzaServiceControlPolicyEntry,
  type LzaStackSetEntry,
} from "../../policypack/rules/lza";
import { RUN_AS_DEFAULT_USER_PARAMETER, RUNSHELL_STACKSET_NAME } from "../../policypack/rules/names";
import { ROOT_ID_PATTERN } from "../../policypack/rules/values";

/** OU id → the OU's LZA name path (`Workloads/Prod`). */
export type OrganizationalUnitPaths = Readonly<Record<string, string>>;

/** What the RunShell StackSet deploys, whichever way it is deployed. */
export interface RunShellDeployment {
  description: string;
  capabilities: string[];
  regions: string[];
  operationPreferences: LzaOperationPreferences;
  /** The template parameters every instance gets unless it overrides them. */
  parameters: Record<string, string>;
  /** One per root or OU target (regions aside), with the parameters it overrides. */
  instances: { target: string; parameterOverrides?: Record<string, string> }[];
  templateBody: string;
}

/** A service control policy as the program renders it. */
export interface RenderedScp {
  name: string;
  description: string;
  content: string;
}

/** LZA's name for a target: `Root` for the root, the OU's path, or the OU id itself when no path is known. */
export function lzaOuName(target: string, paths: OrganizationalUnitPaths): string {
  if (ROOT_ID_PATTERN.test(target)) return LZA_ROOT_OU;
  return paths[target] ?? target;
}

/** The OUs with a known path nested (at any depth) in the OU `ou`. */
export function ousBelow(ou: string, paths: OrganizationalUnitPaths): string[] {
  const path = paths[ou];
  if (path === undefined) return [];
  return Object.keys(paths).filter((id) => paths[id].startsWith(`${path}/`));
}

/**
 * LZA's names for a StackSet's targets: each OU followed by the known OUs nested in it. A StackSet's OU target
 * covers the OUs below it, but LZA resolves an OU name to the accounts placed directly in it (accelerator-stack.ts,
 * getAccountIdsFromDeploymentTargets: an account's organizationalUnit must equal the name), so each nested OU is
 * named too. `Root` is every account of LZA's accounts-config, the management account included.
 */
export function lzaStackSetOus(targets: readonly string[], paths: OrganizationalUnitPaths): string[] {
  const names = targets.flatMap((target) => [
    lzaOuName(target, paths),
    ...ousBelow(target, paths)
      .map((id) => paths[id])
      .sort(),
  ]);
  return [...new Set(names)];
}

/** A StackSet name part for a Linux user: StackSet names take no `_`, so such a name also gets a hash of the user. */
function nameSuffix(user: string): string {
  const slug = user.replace(/_/g, "-");
  if (slug === user) return user;
  return `${slug}-${createHash("sha256").update(user).digest("hex").slice(0, 8)}`;
}

const parametersKey = (parameters: Record<string, string>) =>
  JSON.stringify(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)));

/**
 * The `customizations.cloudFormationStackSets` entries: an LZA entry takes one parameter set for all its targets,
 * so each distinct set (a per-OU fallback user) gets its own entry, `ssm-runas-sync-runshell-<user>`; the
 * stack-config default keeps `ssm-runas-sync-runshell`. Every name starts with the RunShell StackSet's, so the
 * guardrail's protection of `StackSet-ssm-runas-sync-runshell-*` stacks covers them all.
 */
export function lzaStackSetEntries(
  deployment: RunShellDeployment,
  paths: OrganizationalUnitPaths,
): LzaStackSetEntry[] {
  const groups = new Map([
    [parametersKey(deployment.parameters), { parameters: deployment.parameters, targets: [] as string[] }],
  ]);
  for (const { target, parameterOverrides } of deployment.instances) {
    const parameters = { ...deployment.parameters, ...parameterOverrides };
    const key = parametersKey(parameters);
    const group = groups.get(key) ?? { parameters, targets: [] };
    groups.set(key, group);
    if (!group.targets.includes(target)) group.targets.push(target);
  }
  const { failureTolerancePercentage, maxConcurrentPercentage, regionConcurrencyType } =
    deployment.operationPreferences;
  const entries = [...groups.values()]
    .filter(({ targets }) => targets.length > 0)
    .map(({ parameters, targets }) => ({
      name:
        parameters === deployment.parameters
          ? RUNSHELL_STACKSET_NAME
          : `${RUNSHELL_STACKSET_NAME}-${nameSuffix(parameters[RUN_AS_DEFAULT_USER_PARAMETER])}`,
      description: deployment.description,
      template: LZA_TEMPLATE_PATH,
      // Copies: a shared array would come out as a YAML anchor and alias, which reviewers misread.
      capabilities: [...deployment.capabilities],
      deploymentTargets: { organizationalUnits: lzaStackSetOus(targets, paths) },
      regions: [...deployment.regions],
      parameters: Object.entries(parameters)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      operationPreferences: { failureTolerancePercentage, maxConcurrentPercentage, regionConcurrencyType },
    }));
  const names = entries.map(({ name }) => name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`two LZA StackSet entries would be named ${repeated}`);
  return entries;
}

export function lzaRunShellExportInputs(
  deployment: RunShellDeployment,
  paths: OrganizationalUnitPaths,
): LzaRunShellExportInputs {
  return {
    cloudFormationStackSets: lzaStackSetEntries(deployment, paths),
    templateBody: deployment.templateBody,
  };
}

/**
 * The `serviceControlPolicies` entries and policy files. An SCP attached to an OU holds for the OUs below it, so
 * the targets are named as they are, without their nested OUs.
 */
export function lzaGuardrailExportInputs(
  policies: readonly RenderedScp[],
  targets: readonly string[],
  paths: OrganizationalUnitPaths,
): LzaGuardrailExportInputs {
  const organizationalUnits = [...new Set(targets.map((target) => lzaOuName(target, paths)))];
  const serviceControlPolicies: LzaServiceControlPolicyEntry[] = policies.map(({ name, description }) => ({
    name,
    description,
    policy: `${LZA_SCP_FOLDER}/${name}.json`,
    type: "customerManaged",
    deploymentTargets: { organizationalUnits: [...organizationalUnits] },
  }));
  return { serviceControlPolicies, policies: policies.map(({ name, content }) => ({ name, content })) };
}
