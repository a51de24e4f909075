// Which region names exist, in which partition, and which are opt-in: from the AWS SDK's partition data (the
// endpoint rules every SDK client resolves with), not a list of our own, so a new region arrives with an SDK
// update. Shared by the stack config and the CLI's region options; the policy pack checks no region names.
import { partition } from "@aws-sdk/core/client";

/**
 * The partition every stack works in: the stack's ARNs name it, and INSTANCE_ARN_PATTERN
 * (policypack/rules/values.ts) admits only `arn:aws:` instance ARNs, so it is `aws`.
 */
export const STACK_PARTITION = "aws";

/**
 * The regions every account of the `aws` partition has enabled by default, a closed historical set. AWS
 * Account Management, "Specify which AWS Regions your account can use"
 * (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html): "Regions launched before
 * March 20, 2019 are enabled by default"; those launched after are opt-in. These 17 are the `aws` regions that
 * existed then (Stockholm, eu-north-1, and Osaka, ap-northeast-3, were the last); every other region of the
 * partition data is opt-in.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "sa-east-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
];

export interface KnownRegion {
  name: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, … */
  partition: string;
  /** The SDK's name for it, e.g. "Europe (Ireland)". */
  description: string;
}

/**
 * The partition a region name belongs to, by the SDK's own matching: its listed regions first, then each
 * partition's name pattern (so a region newer than the installed SDK still lands in its partition).
 */
export function regionPartition(name: string): string {
  return partition(name).name;
}

/** The region as the SDK's partition data lists it, or undefined for a name it does not list. */
export function knownRegion(name: string): KnownRegion | undefined {
  // partition() merges a listed region's own entry (its description) into the partition's outputs; a name it
  // only matches by pattern gets the outputs alone.
  const entry: { name: string; description?: string } = partition(name);
  if (entry.description === undefined) return undefined;
  // The partition's global endpoint (aws-global, aws-cn-global, …) is listed too, but is no region.
  if (name === `${entry.name}-global`) return undefined;
  return { name, partition: entry.name, description: entry.description };
}

/** Why `name` is no region a stack can deploy to, or undefined when it is one. */
export function regionProblem(name: string): string | undefined {
  const region = knownRegion(name);
  if (!region) {
    return "not an AWS region: the AWS SDK's partition data lists no region of that name (a typo, or a region newer than the installed @aws-sdk/core)";
  }
  if (region.partition !== STACK_PARTITION) {
    return (
      `a region of the ${region.partition} partition (${region.description}), but the stack is in the ` +
      `${STACK_PARTITION} partition (identityCenterInstanceArn arn:${STACK_PARTITION}:…): its accounts cannot reach another partition's regions`
    );
  }
  return undefined;
}

/** Whether the stack's accounts must enable the region before anything deploys there. */
export function isOptInRegion(name: string): boolean {
  return knownRegion(name)?.partition === STACK_PARTITION && !DEFAULT_ENABLED_REGIONS.includes(name);
}
