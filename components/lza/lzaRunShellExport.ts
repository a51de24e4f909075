// runShellOwner lza: the RunShell writer as Landing Zone Accelerator deploys it, in place of the StackSet.
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import { runShellDeployment, type RunShellStackSetArgs } from "../runShell/runShellStackSet";
import { lzaRunShellExportInputs, type OrganizationalUnitPaths } from "./lzaConfig";

export interface LzaRunShellExportArgs extends Omit<
  RunShellStackSetArgs,
  "callAs" | "includeManagementAccount"
> {
  /** The LZA name path of every OU of the targets (and of the OUs nested in them, where known). */
  organizationalUnitPaths: OrganizationalUnitPaths;
}

/**
 * Deploys nothing: its inputs are the `customizations.cloudFormationStackSets` entries and the template an LZA
 * pipeline deploys instead of the RunShell StackSet, from the same description as the StackSet. The engine
 * records them, the policy pack checks them, and synth writes them into lza/.
 */
export class LzaRunShellExport extends pulumi.ComponentResource {
  public readonly stackSetNames: pulumi.Output<string[]>;

  constructor(name: string, args: LzaRunShellExportArgs, opts?: pulumi.ComponentResourceOptions) {
    const exported = lzaRunShellExportInputs(
      runShellDeployment(`LzaRunShellExport ${name}`, args),
      args.organizationalUnitPaths,
    );
    super(COMPONENT_TYPES.lzaRunShellExport, name, exported, opts);
    this.stackSetNames = pulumi.output(exported.cloudFormationStackSets.map((entry) => entry.name));
    // The same as outputs: a stack policy reads a resource's outputs.
    this.registerOutputs({ ...exported, stackSetNames: this.stackSetNames });
  }
}
