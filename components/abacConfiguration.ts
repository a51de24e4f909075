// The IAM Identity Center ABAC component: the singleton that turns each user's login attribute into the
// SSMSessionRunAs session tag.
import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import type { AccessControlAttribute } from "../config/schema";
import { RUN_AS_TAG_KEY } from "../policypack/rules/names";
import { COMPONENT_TYPES } from "../policypack/rules/types";

export interface AbacConfigurationArgs {
  /**
   * The IAM Identity Center instance whose ABAC singleton this owns. May come from another resource, except with
   * `importExisting`, where Pulumi needs the id before anything runs.
   */
  instanceArn: pulumi.Input<string>;
  /** The FULL attribute list, one `SSMSessionRunAs` among them: IdC replaces the list whole on every update. */
  attributes: AccessControlAttribute[];
  /** Adopt a configuration enabled in the console (Pulumi `import`) instead of failing with ConflictException. */
  importExisting?: boolean;
  /** Protect the singleton from `pulumi destroy`: deleting it turns ABAC off for every user (default true). */
  protect?: boolean;
  /** Keep the singleton in AWS when it leaves the stack, for the same reason (default true). */
  retainOnDelete?: boolean;
}

/**
 * The IdC ABAC singleton (`InstanceAccessControlAttributeConfiguration`) that maps SSMSessionRunAs. One per
 * Identity Center instance, and so one per organisation.
 */
export class AbacConfiguration extends pulumi.ComponentResource {
  public readonly instanceArn: pulumi.Output<string>;
  public readonly attributeKeys: pulumi.Output<string[]>;
  public readonly runAsSource: pulumi.Output<string>;

  constructor(name: string, args: AbacConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.abacConfiguration, name, {}, opts);
    if (args.importExisting && typeof args.instanceArn !== "string") {
      throw new pulumi.RunError(
        `AbacConfiguration ${name}: importExisting needs instanceArn as a plain string (the id Pulumi imports by)`,
      );
    }
    const runAs = args.attributes.find(({ key }) => key === RUN_AS_TAG_KEY);
    if (!runAs) {
      throw new pulumi.RunError(`AbacConfiguration ${name}: the attribute list has no ${RUN_AS_TAG_KEY} key`);
    }
    const configuration = new awsnative.sso.InstanceAccessControlAttributeConfiguration(
      name,
      {
        instanceArn: args.instanceArn,
        accessControlAttributes: args.attributes.map(({ key, source }) => ({
          key,
          value: { source: [source] },
        })),
      },
      {
        parent: this,
        protect: args.protect ?? true,
        retainOnDelete: args.retainOnDelete ?? true,
        // The CloudFormation primary identifier of the singleton is the instance ARN.
        import: args.importExisting ? (args.instanceArn as string) : undefined,
      },
    );
    this.instanceArn = configuration.instanceArn;
    this.attributeKeys = pulumi.output(args.attributes.map(({ key }) => key));
    this.runAsSource = pulumi.output(runAs.source);
    this.registerOutputs({
      instanceArn: this.instanceArn,
      attributeKeys: this.attributeKeys,
      runAsSource: this.runAsSource,
    });
  }
}
