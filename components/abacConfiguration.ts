import * as pulumi from "@pulumi/pulumi";
import * as awsnative from "@pulumi/aws-native";
import { RUN_AS_TAG_KEY, type AccessControlAttribute } from "./stackConfig";

export interface AbacConfigurationArgs {
  /** The IAM Identity Center instance whose ABAC singleton this owns. */
  instanceArn: string;
  /** The FULL attribute list: IdC replaces the list whole on every update. */
  attributes: AccessControlAttribute[];
  /** Adopt a configuration enabled in the console (Pulumi `import`) instead of failing with ConflictException. */
  importExisting?: boolean;
  /** Deleting the singleton turns ABAC off for every user of the instance, so both default to true. */
  protect?: boolean;
  retainOnDelete?: boolean;
}

/** The IdC ABAC singleton (`InstanceAccessControlAttributeConfiguration`) that maps SSMSessionRunAs. */
export class AbacConfiguration extends pulumi.ComponentResource {
  public readonly instanceArn: pulumi.Output<string>;
  public readonly attributeKeys: pulumi.Output<string[]>;
  public readonly runAsSource: pulumi.Output<string>;

  constructor(name: string, args: AbacConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ssm-runas-sync:index:AbacConfiguration", name, {}, opts);
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
        import: args.importExisting ? args.instanceArn : undefined,
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
