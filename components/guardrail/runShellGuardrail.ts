// The SCP guardrail component: the policy that keeps the RunShell document and its writer as deployed.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import { renderScpDocument, scpSizeError } from "./scpDocument";

export const GUARDRAIL_POLICY_NAME = "ssm-runas-sync-runshell-guardrail";

export interface RunShellGuardrailArgs {
  /** Organisation root or OU ids the SCP is attached to. */
  targets: string[];
  /** aws:PrincipalArn patterns besides the writer and the StackSet role that may write the document (LZA's roles). */
  exceptionPrincipalArns: string[];
  /** aws:PrincipalArn pattern of the role the StackSet's stacks run as, the only principal that manages the writer. */
  stackSetExecutionRoleArnPattern: string;
}

/**
 * The SCP that keeps SSM-SessionManagerRunShell and its writer as deployed, attached to every target. One per
 * organisation: the policy has a fixed name.
 */
export class RunShellGuardrail extends pulumi.ComponentResource {
  public readonly policyId: pulumi.Output<string>;
  public readonly policyArn: pulumi.Output<string>;

  constructor(name: string, args: RunShellGuardrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.runShellGuardrail, name, {}, opts);
    const content = renderScpDocument({
      exceptionPrincipalArns: args.exceptionPrincipalArns,
      stackSetExecutionRoleArnPattern: args.stackSetExecutionRoleArnPattern,
    });
    // Refused at preview: AWS would only refuse it half-way through an update.
    const tooLong = scpSizeError(content, args.exceptionPrincipalArns.length);
    if (tooLong) throw new pulumi.RunError(`RunShellGuardrail ${name}: ${tooLong}`);
    const policy = new aws.organizations.Policy(
      name,
      {
        name: GUARDRAIL_POLICY_NAME,
        description:
          "ssm-runas-sync: only the writer, the StackSet and listed exceptions change SSM-SessionManagerRunShell; only the StackSet changes the writer",
        type: "SERVICE_CONTROL_POLICY",
        content,
      },
      { parent: this },
    );
    for (const target of args.targets) {
      new aws.organizations.PolicyAttachment(
        `${name}-${target}`,
        { policyId: policy.id, targetId: target },
        { parent: this },
      );
    }
    this.policyId = policy.id;
    this.policyArn = policy.arn;
    this.registerOutputs({ policyId: this.policyId, policyArn: this.policyArn });
  }
}
