// guardrailOwner lza: the two SCPs as Landing Zone Accelerator deploys them, in place of the Pulumi policies.
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import { guardrailPolicies, type RunShellGuardrailArgs } from "../guardrail/runShellGuardrail";
import { lzaGuardrailExportInputs, type OrganizationalUnitPaths } from "./lzaConfig";

export interface LzaGuardrailExportArgs extends RunShellGuardrailArgs {
  /** The LZA name path of every OU among the targets. */
  organizationalUnitPaths: OrganizationalUnitPaths;
}

/**
 * Deploys nothing: its inputs are the `serviceControlPolicies` entries and policy files an LZA pipeline deploys
 * instead of the guardrail's SCPs and attachments, rendered as the guardrail renders them. The engine records
 * them, the policy pack checks them, and synth writes them into lza/.
 */
export class LzaGuardrailExport extends pulumi.ComponentResource {
  public readonly policyNames: pulumi.Output<string[]>;

  constructor(name: string, args: LzaGuardrailExportArgs, opts?: pulumi.ComponentResourceOptions) {
    const exported = lzaGuardrailExportInputs(
      guardrailPolicies(`LzaGuardrailExport ${name}`, args),
      args.targets,
      args.organizationalUnitPaths,
    );
    super(COMPONENT_TYPES.lzaGuardrailExport, name, exported, opts);
    this.policyNames = pulumi.output(exported.serviceControlPolicies.map((entry) => entry.name));
    // The same as outputs: a stack policy reads a resource's outputs.
    this.registerOutputs({ ...exported, policyNames: this.policyNames });
  }
}
