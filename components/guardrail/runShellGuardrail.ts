// The SCP guardrail component: the two policies that keep RunAs in force in every member account.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import type { RenderedScp } from "../lza/lzaConfig";
import { renderScp, scpPolicies, scpSizeError, type ScpOptions } from "./scpDocument";

export interface RunShellGuardrailArgs {
  /** Organisation root or OU ids both SCPs are attached to. */
  targets: string[];
  /** aws:PrincipalArn patterns besides the writer that may write the document (LZA's Session Manager settings role). */
  exceptionPrincipalArns: string[];
  /** aws:PrincipalArn pattern of the role the StackSet's stacks run as, the only principal that manages the writer. */
  stackSetExecutionRoleArnPattern: string;
  /** aws:PrincipalArn patterns of the deploying pipeline: they alone change the StackSet, ABAC and the exempt roles. */
  deployPrincipalArns: string[];
  /** CloudFormation stack ARN patterns that hold the exception principals (LZA's security resources stack). */
  exceptionStackArnPatterns?: string[];
  /** The regions sessions may start in (those the StackSet covers). */
  regions: string[];
  /** Deny sessions outside `regions` (default true). */
  restrictSessionRegions?: boolean;
  /** Session documents besides SSM-SessionManagerRunShell that sessions may use (default none). */
  allowedSessionDocuments?: string[];
}

/** What the renderer takes from the component's arguments, defaults applied. */
export function scpOptionsOf(args: RunShellGuardrailArgs): ScpOptions {
  return {
    exceptionPrincipalArns: args.exceptionPrincipalArns,
    stackSetExecutionRoleArnPattern: args.stackSetExecutionRoleArnPattern,
    deployPrincipalArns: args.deployPrincipalArns,
    exceptionStackArnPatterns: args.exceptionStackArnPatterns ?? [],
    regions: args.regions,
    restrictSessionRegions: args.restrictSessionRegions ?? true,
    allowedSessionDocuments: args.allowedSessionDocuments ?? [],
  };
}

/**
 * The two policies, rendered and size-checked: the SCPs below and their Landing Zone Accelerator export
 * (components/lza/) are both declared from them. A policy over the budget is refused at preview, in one line:
 * AWS would only refuse it half-way through an update.
 */
export function guardrailPolicies(name: string, args: RunShellGuardrailArgs): RenderedScp[] {
  return scpPolicies(scpOptionsOf(args)).map((document) => {
    const content = renderScp(document);
    const tooLong = scpSizeError(document.name, content);
    if (tooLong) throw new pulumi.RunError(`${name}: ${tooLong}`);
    return { name: document.name, description: document.description, content };
  });
}

/**
 * The two SCPs that keep RunAs in force — the RunShell guardrail (the document, its writer and every exempt
 * principal) and the session guardrail (which document, tag and region a session may use) — attached to every
 * target. One per organisation: the policies have fixed names.
 */
export class RunShellGuardrail extends pulumi.ComponentResource {
  /** The RunShell guardrail's id and ARN, then the session guardrail's. */
  public readonly policyIds: pulumi.Output<string[]>;
  public readonly policyArns: pulumi.Output<string[]>;

  constructor(name: string, args: RunShellGuardrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.runShellGuardrail, name, {}, opts);
    // The first keeps the logical name it always had, so an existing stack updates it in place.
    const policies = guardrailPolicies(`RunShellGuardrail ${name}`, args).map(
      (policy, index) =>
        new aws.organizations.Policy(
          index === 0 ? name : `${name}-sessions`,
          { ...policy, type: "SERVICE_CONTROL_POLICY" },
          { parent: this },
        ),
    );
    policies.forEach((policy, index) => {
      for (const target of args.targets) {
        new aws.organizations.PolicyAttachment(
          index === 0 ? `${name}-${target}` : `${name}-sessions-${target}`,
          { policyId: policy.id, targetId: target },
          { parent: this },
        );
      }
    });
    this.policyIds = pulumi.all(policies.map((policy) => policy.id));
    this.policyArns = pulumi.all(policies.map((policy) => policy.arn));
    this.registerOutputs({ policyIds: this.policyIds, policyArns: this.policyArns });
  }
}
