// The RunShell StackSet component: the writer in every member account × region.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagementProviderArgs } from "../../config/awsProvider";
import { DEFAULT_STACKSET_OPERATION_PREFERENCES, type StackConfig } from "../../config/schema";
import { writerInlineCode } from "../../lambda/bundle";
import {
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUNSHELL_MANAGEMENT_STACK_NAME,
  RUNSHELL_STACKSET_NAME,
} from "../../policypack/rules/names";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import { NEWEST_NODEJS_RUNTIME, type CallAs, type OnDelete } from "../../policypack/rules/values";
import type { RunShellDeployment } from "../lza/lzaConfig";
import { runShellTemplateBody, templateParameters } from "./template";

export type StackSetOperationPreferences = StackConfig["stackSetOperationPreferences"];

export interface RunShellStackSetArgs {
  /** The fallback Linux user wherever no override applies (sessions whose principal has no SSMSessionRunAs tag). */
  defaultUser: string;
  /** false is break-glass: the writer turns RunAs off everywhere and keeps it off (default true). */
  runAsEnabled?: boolean;
  /** Create the fallback user (each OU's own, with overrides) on every Linux managed node (default true). */
  ensureFallbackUser?: boolean;
  /** Root or OU ids; the StackSet also deploys to accounts that join them later. */
  deploymentTargets: string[];
  /** OU id → fallback user for that OU; the OUs must be disjoint from `deploymentTargets` and each other. */
  organizationalUnitOverrides?: Record<string, string>;
  /** Every region where Session Manager is used: its preferences, and so the document, are regional. */
  regions: string[];
  /** SELF from the management account (default), DELEGATED_ADMIN from a StackSets delegated administrator. */
  callAs?: CallAs;
  /** What deleting a stack instance does to the document: keep it (default) or restore the RunAs values found. */
  onDelete?: OnDelete;
  /** How fast StackSet operations roll out; default DEFAULT_STACKSET_OPERATION_PREFERENCES. */
  operationPreferences?: StackSetOperationPreferences;
  /** Also deploy the template as a plain stack per region in the account the program runs in. */
  includeManagementAccount?: boolean;
  /**
   * Required with `includeManagementAccount`: what each management-account provider is built from besides its
   * region, the stack's `aws:` settings pinned to the management account (config/awsProvider.ts). An explicit
   * provider reads none of the stack's `aws:` config itself.
   */
  managementProviderArgs?: ManagementProviderArgs;
  /** Lambda runtime of the writer; default the newest Node.js runtime Lambda offers. */
  writerRuntime?: string;
}

const CAPABILITIES = ["CAPABILITY_NAMED_IAM"];
const DESCRIPTION = "ssm-runas-sync: SSM-SessionManagerRunShell with RunAs in every account and region";

/**
 * What the RunShell StackSet deploys, from the component's arguments: the StackSet below and its Landing Zone
 * Accelerator export (components/lza/) are both declared from this one description.
 */
export function runShellDeployment(name: string, args: RunShellStackSetArgs): RunShellDeployment {
  // concurrencyMode is left out: the provider cannot pass it to the StackSet, nor LZA to its own.
  const { regionConcurrencyType, maxConcurrentPercentage, failureTolerancePercentage } =
    args.operationPreferences ?? DEFAULT_STACKSET_OPERATION_PREFERENCES;
  let templateBody: string;
  try {
    templateBody = runShellTemplateBody(
      { code: writerInlineCode(), runtime: args.writerRuntime ?? NEWEST_NODEJS_RUNTIME },
      { ensureFallbackUser: args.ensureFallbackUser ?? true },
    );
  } catch (error) {
    // Refused at preview, in one line: CloudFormation would only refuse it half-way through an update.
    throw new pulumi.RunError(`${name}: ${(error as Error).message}`);
  }
  return {
    description: DESCRIPTION,
    capabilities: CAPABILITIES,
    regions: args.regions,
    operationPreferences: { regionConcurrencyType, maxConcurrentPercentage, failureTolerancePercentage },
    parameters: {
      ...templateParameters(args.defaultUser, args.onDelete ?? "retain", args.runAsEnabled ?? true),
    },
    instances: [
      ...args.deploymentTargets.map((target) => ({ target })),
      ...Object.entries(args.organizationalUnitOverrides ?? {}).map(([target, user]) => ({
        target,
        parameterOverrides: { [RUN_AS_DEFAULT_USER_PARAMETER]: user },
      })),
    ],
    templateBody,
  };
}

/**
 * The RunShell writer in every member account × region through a service-managed StackSet (new accounts
 * included), plus, optionally, the management account that StackSets never reach. One per organisation: the
 * StackSet and the writer's resources have fixed names (the SCP exempts exactly them).
 */
export class RunShellStackSet extends pulumi.ComponentResource {
  public readonly stackSetName: pulumi.Output<string>;
  public readonly stackSetId: pulumi.Output<string>;
  public readonly managementStackIds: pulumi.Output<string[]>;

  constructor(name: string, args: RunShellStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.runShellStackSet, name, {}, opts);
    if (args.includeManagementAccount && !args.managementProviderArgs) {
      throw new pulumi.RunError(
        `RunShellStackSet ${name}: includeManagementAccount needs managementProviderArgs, or its providers would deploy with whatever credentials the environment holds`,
      );
    }
    const callAs = args.callAs ?? "SELF";
    const deployment = runShellDeployment(`RunShellStackSet ${name}`, args);
    const { parameters, templateBody, operationPreferences: stackSetPreferences } = deployment;
    const { concurrencyMode } = args.operationPreferences ?? DEFAULT_STACKSET_OPERATION_PREFERENCES;

    const stackSet = new aws.cloudformation.StackSet(
      name,
      {
        name: RUNSHELL_STACKSET_NAME,
        description: deployment.description,
        permissionModel: "SERVICE_MANAGED",
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        callAs,
        capabilities: CAPABILITIES,
        // Instances of different regions are separate operations: run them side by side, not one at a time.
        managedExecution: { active: true },
        // Template updates; the provider cannot pass concurrencyMode here, so they run strict (docs/design.md, "Rollout time").
        operationPreferences: stackSetPreferences,
        parameters: { ...parameters },
        templateBody,
      },
      // AWS fills in the service-linked administration role, which would otherwise show as drift on every run
      // (hashicorp/terraform-provider-aws#23464).
      { parent: this, ignoreChanges: ["administrationRoleArn"] },
    );

    const instance = (target: string, region: string, parameterOverrides?: Record<string, string>) =>
      new aws.cloudformation.StackSetInstance(
        `${name}-${target}-${region}`,
        {
          stackSetName: stackSet.name,
          callAs,
          deploymentTargets: { organizationalUnitIds: [target] },
          stackSetInstanceRegion: region,
          parameterOverrides,
          operationPreferences: { ...stackSetPreferences, concurrencyMode },
          retainStack: false,
        },
        { parent: this },
      );
    for (const { target, parameterOverrides } of deployment.instances) {
      for (const region of deployment.regions) instance(target, region, parameterOverrides);
    }

    const managementStacks = (args.includeManagementAccount ? args.regions : []).map((region) => {
      const provider = new aws.Provider(
        `${name}-management-${region}`,
        { ...args.managementProviderArgs, region },
        { parent: this },
      );
      return new aws.cloudformation.Stack(
        `${name}-management-${region}`,
        {
          name: RUNSHELL_MANAGEMENT_STACK_NAME,
          templateBody,
          parameters: { ...parameters },
          capabilities: CAPABILITIES,
        },
        { parent: this, provider },
      );
    });

    this.stackSetName = stackSet.name;
    this.stackSetId = stackSet.stackSetId;
    this.managementStackIds = pulumi.all(managementStacks.map((stack) => stack.id));
    this.registerOutputs({
      stackSetName: this.stackSetName,
      stackSetId: this.stackSetId,
      managementStackIds: this.managementStackIds,
    });
  }
}
