// What the program declared, picked out of the mock runtime's resource list for the renderers. Pure.
import { TYPES } from "../policypack/rules/types";
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

export interface DeclaredScp {
  /** The policy's id on the mock runtime, which its attachments' `policyId` names. */
  id?: string;
  name: string;
  description: string;
  content: string;
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

/** Every policy attachment the program declared: which policy (by id) on which root, OU or account. */
export function declaredPolicyAttachments(
  resources: DeclaredResource[],
): { policyId: string; targetId: string }[] {
  return resources
    .filter((r) => r.type === TYPES.organizationsPolicyAttachment)
    .map(({ inputs }) => ({ policyId: String(inputs.policyId), targetId: String(inputs.targetId) }));
}

/** Every service control policy the program declared: none where another tool owns the SCPs. */
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

/** The one or two service control policies the program declares. */
export function declaredScps(resources: DeclaredResource[]): DeclaredScp[] {
  const scps = serviceControlPolicies(resources);
  if (scps.length === 0 || scps.length > 2) {
    throw new Error(`expected one or two service control policies, found ${scps.length}`);
  }
  return scps;
}
