// Runs the CrossGuard pack (policypack/policies.ts) in-process over the resources a program declared on the
// mock runtime, the way the Pulumi engine's analyzer host would: resource policies once per resource with
// its inputs, stack policies once with every resource, per-policy config with the schema's defaults applied,
// enforcement levels from the config overriding the policy's own. Serves `synth` and the policy tests.
import type {
  Policies,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies as packPolicies } from "../policypack/policies";
import type { DeclaredResource } from "./mockRuntime";
import {
  NotApplicableError,
  policyResources,
  resourceValidationArgs,
  stackTagsFor,
  stackValidationArgs,
} from "./policyArgs";
import { PolicyConfigError, resolvePolicyConfig, type PolicyPackConfig } from "./policyConfig";

export interface PolicyViolation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory";
  message: string;
  /** URN of the resource in violation; null when the stack as a whole is. */
  resource: string | null;
}

export interface PolicyReport {
  violations: PolicyViolation[];
}

export interface PolicyRunOptions {
  /** The Pulumi project, for the `pulumi:project` stack tag. */
  project: string;
  stack: string;
  config?: PolicyPackConfig;
  policies?: Policies;
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

function validationsOf(policy: ResourceValidationPolicy) {
  const v = policy.validateResource;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Runs every policy of the pack over the declared resources and collects the violations. */
export async function runPolicyPack(
  resources: readonly DeclaredResource[],
  options: PolicyRunOptions,
): Promise<PolicyReport> {
  const violations: PolicyViolation[] = [];
  const stackTags = stackTagsFor(options.project, options.stack);
  const all = options.policies ?? packPolicies;
  for (const name of Object.keys(options.config ?? {})) {
    if (name !== "all" && !all.some((policy) => policy.name === name)) {
      throw new PolicyConfigError(`${name}: not a policy of this pack`);
    }
  }
  for (const policy of all) {
    const resolved = resolvePolicyConfig(policy, options.config);
    if (resolved.enforcementLevel === "disabled") continue;
    const enforcementLevel = resolved.enforcementLevel === "advisory" ? "advisory" : "mandatory";
    const getConfig = () => JSON.parse(JSON.stringify(resolved.properties)) as object;
    const reporter =
      (defaultUrn: string | null): ReportViolation =>
      (message, urn) =>
        violations.push({ policy: policy.name, enforcementLevel, message, resource: urn ?? defaultUrn });
    try {
      if (isStackPolicy(policy)) {
        const args = stackValidationArgs(policyResources(resources), getConfig, stackTags);
        await policy.validateStack(args, reporter(null));
        continue;
      }
      for (const resource of resources) {
        for (const validate of validationsOf(policy)) {
          try {
            // A resource validation's own urn argument is ignored by the host: the resource's urn is used.
            const report: ReportViolation = (message) => reporter(resource.urn)(message);
            await validate(resourceValidationArgs(resource, getConfig, stackTags), report);
          } catch (err) {
            if (!(err instanceof NotApplicableError)) throw err;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof NotApplicableError)) throw err;
    }
  }
  return { violations };
}
