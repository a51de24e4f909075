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

/** The one RunShell StackSet the program declared. */
export function runShellStackSetInputs(resources: DeclaredResource[]): StackSetInputs {
  const stackSets = resources.filter((r) => r.type === TYPES.stackSet);
  if (stackSets.length !== 1) throw new Error(`expected exactly one StackSet, found ${stackSets.length}`);
  return stackSets[0].inputs as unknown as StackSetInputs;
}

/** The service control policies the program declares, as `{name, description, content}` inputs. */
export function declaredScps(
  resources: DeclaredResource[],
): { name: string; description: string; content: string }[] {
  const scps = resources.filter(
    (r) => r.type === TYPES.organizationsPolicy && r.inputs.type === "SERVICE_CONTROL_POLICY",
  );
  if (scps.length === 0 || scps.length > 2) {
    throw new Error(`expected one or two service control policies, found ${scps.length}`);
  }
  return scps.map(({ inputs }) => ({
    name: String(inputs.name),
    description: String(inputs.description),
    content: String(inputs.content),
  }));
}
