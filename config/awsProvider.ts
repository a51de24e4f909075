// The management account's stacks deploy through explicit providers, one per region, and an explicit provider
// reads none of the stack's `aws:` config (by design: pulumi/pulumi-aws#1307, #3259): with credentials set by
// `aws:profile` or `aws:assumeRoles`, those stacks would deploy with whatever the environment holds, possibly
// another account. So each is built from the stack's own `aws:` settings, only the region changed, and pinned to
// the organisation's management account. Pure core (decode, pin) and the thin read at preview.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID_PATTERN } from "../policypack/rules/values";
import { formatConfigIssue } from "./schema";

const AWS_NAMESPACE = "aws";

/**
 * Every provider argument the stack's `aws:` config can set, and how Pulumi decodes it: `text` as is, `json`
 * parsed (what @pulumi/aws's config getters do with `get` and `getObject`). Typed against aws.ProviderArgs, so a
 * provider upgrade that adds an argument fails the build until it is listed here.
 */
export const AWS_PROVIDER_CONFIG_KEYS = {
  accessKey: "text",
  allowedAccountIds: "json",
  assumeRoleWithWebIdentity: "json",
  assumeRoles: "json",
  customCaBundle: "text",
  defaultTags: "json",
  ec2MetadataServiceEndpoint: "text",
  ec2MetadataServiceEndpointMode: "text",
  endpoints: "json",
  forbiddenAccountIds: "json",
  httpProxy: "text",
  httpsProxy: "text",
  ignoreTags: "json",
  insecure: "json",
  maxRetries: "json",
  noProxy: "text",
  profile: "text",
  region: "text",
  retryMode: "text",
  s3UsEast1RegionalEndpoint: "text",
  s3UsePathStyle: "json",
  secretKey: "text",
  sharedConfigFiles: "json",
  sharedCredentialsFiles: "json",
  skipCredentialsValidation: "json",
  skipMetadataApiCheck: "json",
  skipRegionValidation: "json",
  skipRequestingAccountId: "json",
  stsRegion: "text",
  tagPolicyCompliance: "text",
  token: "text",
  tokenBucketRateLimiterCapacity: "json",
  useDualstackEndpoint: "json",
  useFipsEndpoint: "json",
  userAgents: "json",
} as const satisfies Record<keyof aws.ProviderArgs, "text" | "json">;

/** The stack's `aws:` settings as provider arguments, without the region each provider sets for itself. */
export type StackAwsSettings = Omit<aws.ProviderArgs, "region">;

/** What every management-account provider is built from: the stack's settings, pinned to one account. */
export type ManagementProviderArgs = Omit<StackAwsSettings, "allowedAccountIds" | "forbiddenAccountIds"> & {
  allowedAccountIds: [string];
};

type Decoded = { ok: true; settings: StackAwsSettings } | { ok: false; errors: string[] };

/** The stack's `aws:` settings from its config (`namespace:key` → text, as Pulumi hands it to a program). */
export function stackAwsSettings(all: Record<string, string>): Decoded {
  const settings: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, kind] of Object.entries(AWS_PROVIDER_CONFIG_KEYS)) {
    const text = all[`${AWS_NAMESPACE}:${key}`];
    if (text === undefined || key === "region") continue;
    if (kind === "text") {
      settings[key] = text;
      continue;
    }
    try {
      settings[key] = JSON.parse(text);
    } catch {
      errors.push(formatConfigIssue(`${AWS_NAMESPACE}:${key}`, text, "must be JSON (a YAML list or map)"));
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: settings as StackAwsSettings };
}

const accountIds = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map((id) => String(id)) : undefined;

type Pinned = { ok: true; args: ManagementProviderArgs } | { ok: false; errors: string[] };

/**
 * The settings with `allowedAccountIds` pinned to the management account, so a credential of any other account
 * fails instead of deploying there; or one line per setting of the stack that contradicts the pin.
 */
export function pinnedToManagementAccount(settings: StackAwsSettings, managementAccountId: string): Pinned {
  const { allowedAccountIds, forbiddenAccountIds, ...rest } = settings;
  const where = `the organisation's management account ${managementAccountId}, where the includeManagementAccount stacks deploy`;
  const errors: string[] = [];
  const allowed = accountIds(allowedAccountIds);
  if (allowed !== undefined && !allowed.includes(managementAccountId)) {
    errors.push(formatConfigIssue(`${AWS_NAMESPACE}:allowedAccountIds`, allowed, `does not hold ${where}`));
  }
  if (accountIds(forbiddenAccountIds)?.includes(managementAccountId)) {
    errors.push(
      formatConfigIssue(`${AWS_NAMESPACE}:forbiddenAccountIds`, forbiddenAccountIds, `holds ${where}`),
    );
  }
  if (rest.skipRequestingAccountId === true) {
    errors.push(
      formatConfigIssue(
        `${AWS_NAMESPACE}:skipRequestingAccountId`,
        true,
        `the management-account providers are pinned to ${managementAccountId}, which the provider can only check against the account id it requests`,
      ),
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  // forbiddenAccountIds is dropped: the provider refuses it beside allowedAccountIds, and the pin is stricter.
  return { ok: true, args: { ...rest, allowedAccountIds: [managementAccountId] } };
}

/**
 * The arguments with each setting whose `aws:` config is a secret made a secret Output: the provider's schema marks
 * only its credentials secret, so an `assumeRoles` external id, a web identity token or a proxy URL with a password
 * would otherwise land in plaintext in the state and in preview diffs. The pin is not config and stays plain.
 */
export function withConfigSecrets(
  args: ManagementProviderArgs,
  isSecret: (configKey: string) => boolean,
): ManagementProviderArgs {
  const settings = Object.entries(args).map(([key, value]) => [
    key,
    key !== "allowedAccountIds" && isSecret(`${AWS_NAMESPACE}:${key}`) ? pulumi.secret(value) : value,
  ]);
  return Object.fromEntries(settings) as ManagementProviderArgs;
}

// Pulumi's own test for a secret config value (what Config's secret warning reads). The SDK marks it internal, so
// it has no typings; without it, every setting counts as secret: a masked preview beats a leaked token.
const runtimeWithSecrets = pulumi.runtime as typeof pulumi.runtime & {
  isConfigSecret?: (key: string) => boolean;
};
const isConfigSecret = (key: string): boolean => runtimeWithSecrets.isConfigSecret?.(key) ?? true;

export const GET_ORGANIZATION_INVOKE = "aws:organizations/getOrganization:getOrganization";

/**
 * At preview: the stack's `aws:` settings and the organisation's management account (asked through the
 * default provider, which the stack's `aws:` config does configure). Throws a RunError, one line per problem.
 */
export async function readManagementProviderArgs(): Promise<ManagementProviderArgs> {
  const decoded = stackAwsSettings(pulumi.runtime.allConfig());
  if (!decoded.ok) throw new pulumi.RunError(decoded.errors.join("\n"));
  // returnOrganizationOnly: DescribeOrganization alone, not a listing of every account.
  const { masterAccountId } = await aws.organizations.getOrganization({ returnOrganizationOnly: true });
  if (typeof masterAccountId !== "string" || !ACCOUNT_ID_PATTERN.test(masterAccountId)) {
    throw new pulumi.RunError(
      `includeManagementAccount: Organizations named no management account (masterAccountId ${JSON.stringify(masterAccountId)})`,
    );
  }
  const pinned = pinnedToManagementAccount(decoded.settings, masterAccountId);
  if (!pinned.ok) throw new pulumi.RunError(pinned.errors.join("\n"));
  return withConfigSecrets(pinned.args, isConfigSecret);
}
