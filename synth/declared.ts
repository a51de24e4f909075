// What the program declared, picked out of the mock runtime's resource list for the renderers. Pure.
import type { RenderedScp } from "../components/lza/lzaConfig";
import type { LzaGuardrailExportInputs, LzaRunShellExportInputs } from "../policypack/rules/lza";
import { COMPONENT_TYPES, TYPES } from "../policypack/rules/types";
import type { DeclaredResource } from "./mockRuntime";

export interface StackSetInputs {
  name: string;
  description: string;
  capabilities: string[];
  parameters: Record<string, string>;
  operationPreferences: {
    regionConcurrencyType: string;
    maxConcurrentPercentage: number;
    failureTolerancePercentage: number;
  };
  templateBody: string;
}

export interface StackSetInstanceInputs {
  stackSetName: string;
  stackSetInstanceRegion: string;
  deploymentTargets: { organizationalUnitIds: string[] };
  parameterOverrides?: Record<string, string>;
}

export interface DeclaredScp extends RenderedScp {
  /** The policy's id on the mock runtime, which its attachments' `policyId` names. */
  id?: string;
}

function inputsOfOne<T>(resources: DeclaredResource[], type: string): T | undefined {
  const found = resources.filter((r) => r.type === type);
  if (found.length > 1) throw new Error(`expected at most one ${type}, found ${found.length}`);
  return found[0]?.inputs as T | undefined;
}

/** The LZA export of the writer (runShellOwner lza), if the program declared it. */
export function lzaRunShellExportInputsOf(
  resources: DeclaredResource[],
): LzaRunShellExportInputs | undefined {
  return inputsOfOne(resources, COMPONENT_TYPES.lzaRunShellExport);
}

/** The LZA export of the SCPs (guardrailOwner lza), if the program declared it. */
export function lzaGuardrailExportInputsOf(
  resources: DeclaredResource[],
): LzaGuardrailExportInputs | undefined {
  return inputsOfOne(resources, COMPONENT_TYPES.lzaGuardrailExport);
}

/** Every StackSet the program declared: none where another tool deploys the writer. */
export function declaredStackSets(resources: DeclaredResource[]): StackSetInputs[] {
  return resources.filter((r) => r.type === TYPES.stackSet).map((r) => r.inputs as unknown as StackSetInputs);
}

/** The one RunShell StackSet the program declared. */
export function runShellStackSetInputs(resources: DeclaredResource[]): StackSetInputs {
  const stackSets = declaredStackSets(resources);
  if (stackSets.length !== 1) throw new Error(`expected exactly one StackSet, found ${stackSets.length}`);
  return stackSets[0];
}

/** Every StackSet instance the program declared: one target (root or OU) × one region each. */
export function declaredStackSetInstances(resources: DeclaredResource[]): StackSetInstanceInputs[] {
  return resources
    .filter((r) => r.type === TYPES.stackSetInstance)
    .map((r) => r.inputs as unknown as StackSetInstanceInputs);
}

/** The template the writer is deployed with: the StackSet's, or the one its LZA export carries. */
export function runShellTemplateBodyOf(resources: DeclaredResource[]): string {
  return lzaRunShellExportInputsOf(resources)?.templateBody ?? runShellStackSetInputs(resources).templateBody;
}

/** Every policy attachment the program declared: which policy (by id) on which root, OU or account. */
export function declaredPolicyAttachments(
  resources: DeclaredResource[],
): { policyId: string; targetId: string }[] {
  return resources
    .filter((r) => r.type === TYPES.organizationsPolicyAttachment)
    .map(({ inputs }) => ({ policyId: String(inputs.policyId), targetId: String(inputs.targetId) }));
}

/** The roots and OUs the SCPs are attached to, in the order declared. */
export function scpAttachmentTargets(resources: DeclaredResource[]): string[] {
  return [...new Set(declaredPolicyAttachments(resources).map(({ targetId }) => targetId))];
}

/** Every service control policy the program declared as a resource: none where another tool owns the SCPs. */
export function serviceControlPolicies(resources: DeclaredResource[]): DeclaredScp[] {
  return resources
    .filter((r) => r.type === TYPES.organizationsPolicy && r.inputs.type === "SERVICE_CONTROL_POLICY")
    .map(({ id, inputs }) => ({
      id,
      name: String(inputs.name),
      description: String(inputs.description),
      content: String(inputs.content),
    }));
}

/** The service control policies the program declares, or (guardrailOwner lza) the ones its LZA export carries. */
export function declaredScps(resources: DeclaredResource[]): DeclaredScp[] {
  const exported = lzaGuardrailExportInputsOf(resources);
  if (exported) {
    return exported.policies.map(({ name, content }) => ({
      name,
      description: exported.serviceControlPolicies.find((entry) => entry.name === name)?.description ?? "",
      content,
    }));
  }
  const scps = serviceControlPolicies(resources);
  if (scps.length === 0 || scps.length > 2) {
    throw new Error(`expected one or two service control policies, found ${scps.length}`);
  }
  return scps;
}
