// The value rules shared by the stack config, the CLI, the writer, the template and the policy pack: each rule
// and its message live here once.

/** A Linux user name as Session Manager creates and uses it. */
export const LINUX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
/** The same rule with `root` excluded: the one a session's user must pass. */
export const SESSION_USER_PATTERN = new RegExp(`^(?!root$)${LINUX_USER_PATTERN.source.slice(1)}`);

/** Why `value` cannot be a session's Linux user, or undefined when it can. */
export function sessionUserProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `${JSON.stringify(value)} is not a string`;
  if (value === "root") return "root is refused: sessions must not fall back to the superuser";
  if (!LINUX_USER_PATTERN.test(value))
    return `not a Linux user name (must match ${LINUX_USER_PATTERN.source})`;
  return undefined;
}

export const INSTANCE_ARN_PATTERN = /^arn:aws:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
export const INSTANCE_ARN_RULE = "must match arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}";
export const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_OR_OU_ID_RULE = "must be an organisation root id (r-xxxx) or an OU id (ou-xxxx-xxxxxxxx)";
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** SSM's own constraint on a document name (API reference, CreateDocument.Name). */
export const DOCUMENT_NAME_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
/** An IAM role ARN, optionally with `*`/`?` wildcards, as SCP conditions on aws:PrincipalArn take them. */
/** A CloudFormation stack ARN, optionally with `*`/`?` wildcards. */
export const STACK_ARN_PATTERN =
  /^arn:aws(-[a-z]+)*:cloudformation:[a-z0-9*?-]*:(\d{12}|\*):stack\/[\w*?-]+(\/[\w*?-]+)?$/;
export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|\*):role\/[\w+=,.@/*?-]+$/;

/** IdC's own constraint on an ABAC attribute key (API reference, AccessControlAttribute.Key). */
export const ATTRIBUTE_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_ATTRIBUTE_KEY_LENGTH = 128;
export const MAX_ATTRIBUTE_SOURCE_LENGTH = 256;
/** IdC's limit on the number of ABAC attributes. */
export const MAX_ABAC_ATTRIBUTES = 50;

/** How IAM Identity Center gets its users, and so which ABAC source syntax it takes. */
export const IDENTITY_SOURCES = ["scim", "ad"] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];
/** `${path:…}`: attributes SCIM-provisioned into the identity store by an external IdP such as Entra ID. */
export const SCIM_SOURCE_PATTERN = /^\$\{path:[A-Za-z][\w.:[\]" =-]*\}$/;
/** `${samaccountname}`-style: attributes of an AWS Managed Microsoft AD identity source. */
export const AD_SOURCE_PATTERN = /^\$\{[A-Za-z][A-Za-z0-9_-]*\}$/;
export const SOURCE_RULES: Record<IdentitySource, { pattern: RegExp; rule: string }> = {
  scim: {
    pattern: SCIM_SOURCE_PATTERN,
    rule: "identitySource scim takes ${path:...} sources, e.g. ${path:enterprise.employeeNumber}",
  },
  ad: {
    pattern: AD_SOURCE_PATTERN,
    rule: "identitySource ad takes ${attribute} sources, e.g. ${samaccountname}",
  },
};

/** The `${path:…}` sources IdC documents for ABAC with an external IdP; anything else is only a warning. */
export const DOCUMENTED_SCIM_PATHS: readonly string[] = [
  "userName",
  "name.familyName",
  "name.givenName",
  "displayName",
  "nickName",
  "emails[primary eq true].value",
  'addresses[type eq "work"].streetAddress',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].region',
  'addresses[type eq "work"].postalCode',
  'addresses[type eq "work"].country',
  'addresses[type eq "work"].formatted',
  'phoneNumbers[type eq "work"].value',
  "title",
  "preferredLanguage",
  "locale",
  "timezone",
  "enterprise.employeeNumber",
  "enterprise.costCenter",
  "enterprise.organization",
  "enterprise.division",
  "enterprise.department",
  "enterprise.manager",
];

/** What removing the writer does to the document: keep it, or put back the RunAs values it found. */
export const ON_DELETE_VALUES = ["retain", "restore"] as const;
export type OnDelete = (typeof ON_DELETE_VALUES)[number];

/**
 * Who deploys a piece of the organisation-wide setup (the RunShell writer, the SCP guardrail): this program, or the
 * Landing Zone Accelerator pipeline from the export `synth` writes.
 */
export const OWNERS = ["pulumi", "lza"] as const;
export type Owner = (typeof OWNERS)[number];

/**
 * An OU as Landing Zone Accelerator names it: its path of OU names below the root, `/`-separated
 * (`Workloads/Prod`); Organizations nests OUs at most five deep. The root itself is `Root` and has no OU id.
 */
export const LZA_OU_PATH_PATTERN = /^[^/\s](?:[^/]*[^/\s])?(?:\/[^/\s](?:[^/]*[^/\s])?){0,4}$/;
export const LZA_OU_PATH_RULE =
  "must be the OU's LZA name path, OU names below the root joined by / (e.g. Workloads/Prod), at most 5 deep";

/** Whom the StackSet's API calls run as: the management account, or a delegated administrator. */
export const CALL_AS_VALUES = ["SELF", "DELEGATED_ADMIN"] as const;
export type CallAs = (typeof CALL_AS_VALUES)[number];

/** Organizations' documented limit on an SCP (reports of 10,240 since 2026 are not relied on). */
export const SCP_MAX_CHARACTERS = 5120;
/** What an SCP may hold before the pack warns and the renderer refuses: room for the exception list to grow. */
export const DEFAULT_MAX_SCP_CHARACTERS = 4500;

/** The newest Node.js runtime Lambda offers: the writer's default (`writerRuntime`). */
export const NEWEST_NODEJS_RUNTIME = "nodejs24.x";
/** Node.js 20 and older are deprecated on Lambda: no more patches, and later no updates. */
export const LAST_DEPRECATED_NODEJS_MAJOR = 20;

/** Node.js major version of a Lambda runtime identifier (`nodejs22.x` → 22, `nodejs` → 0), else undefined. */
export function nodejsMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)?(\.\d+|\.x)?$/.exec(runtime);
  if (!match) return undefined;
  return match[1] === undefined ? 0 : Number(match[1]);
}

export function isDeprecatedRuntime(runtime: unknown): boolean {
  if (typeof runtime !== "string") return false;
  const major = nodejsMajor(runtime);
  return major !== undefined && major <= LAST_DEPRECATED_NODEJS_MAJOR;
}

/** Why `runtime` cannot run the writer, or undefined when it can. */
export function writerRuntimeProblem(runtime: string): string | undefined {
  if (!/^nodejs\d+\.x$/.test(runtime))
    return `must be a Lambda Node.js runtime such as ${NEWEST_NODEJS_RUNTIME}`;
  if (isDeprecatedRuntime(runtime)) {
    return `is deprecated on Lambda (Node.js ${LAST_DEPRECATED_NODEJS_MAJOR} and older): use ${NEWEST_NODEJS_RUNTIME}`;
  }
  return undefined;
}
