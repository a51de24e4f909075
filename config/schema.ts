// The stack-config contract: every key is parsed and validated here, before any resource is declared. Pure: it
// takes raw values and returns either the typed config or one line per error. The rules themselves (patterns,
// limits, enums) live in policypack/rules, which the CLI, the writer and the policy pack share; region names are
// checked against the AWS SDK's partition data (config/regions.ts).
import { z } from "zod";
import { attributeListProblems } from "../policypack/rules/abacAttributes";
import { LZA_ROOT_OU } from "../policypack/rules/lza";
import {
  CONFIG_NAMESPACE,
  RUN_SHELL_DOCUMENT_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
} from "../policypack/rules/names";
import { isOptInRegion, knownRegion, regionProblem } from "./regions";
import {
  ATTRIBUTE_KEY_PATTERN,
  CALL_AS_VALUES,
  DOCUMENT_NAME_PATTERN,
  DOCUMENTED_SCIM_PATHS,
  IDENTITY_SOURCES,
  INSTANCE_ARN_PATTERN,
  INSTANCE_ARN_RULE,
  LZA_OU_PATH_PATTERN,
  LZA_OU_PATH_RULE,
  MAX_ABAC_ATTRIBUTES,
  MAX_ATTRIBUTE_KEY_LENGTH,
  MAX_ATTRIBUTE_SOURCE_LENGTH,
  NEWEST_NODEJS_RUNTIME,
  ON_DELETE_VALUES,
  OU_ID_PATTERN,
  OWNERS,
  ROLE_ARN_PATTERN,
  STACK_ARN_PATTERN,
  ROOT_ID_PATTERN,
  ROOT_OR_OU_ID_RULE,
  sessionUserProblem,
  SOURCE_RULES,
  writerRuntimeProblem,
} from "../policypack/rules/values";

const linuxUser = z.string().superRefine((user, ctx) => {
  const problem = sessionUserProblem(user);
  if (problem) ctx.addIssue({ code: "custom", input: user, message: problem });
});

const rootOrOuId = z
  .string()
  .refine((id) => ROOT_ID_PATTERN.test(id) || OU_ID_PATTERN.test(id), ROOT_OR_OU_ID_RULE);

// An aws:PrincipalArn pattern the SCP exempts: a role pattern, never one that exempts every role.
const exemptRoleArnPattern = z
  .string()
  .regex(ROLE_ARN_PATTERN, "must be an IAM role ARN pattern such as arn:aws:iam::*:role/AWSAccelerator-*")
  .refine(
    (arn) => !/:role\/[*?/]*$/.test(arn),
    "exempts every role: name a role prefix such as arn:aws:iam::*:role/AWSAccelerator-*",
  );

const region = z.string().superRefine((name, ctx) => {
  const problem = regionProblem(name);
  if (problem) ctx.addIssue({ code: "custom", input: name, message: problem });
});

const owner = z.enum(OWNERS, "must be pulumi or lza").default("pulumi");

const lzaOuPath = z
  .string()
  .regex(LZA_OU_PATH_PATTERN, LZA_OU_PATH_RULE)
  .refine(
    (path) => path !== LZA_ROOT_OU,
    "Root is the root's name, not an OU's: a root target needs no path",
  );

const uniqueList = <T extends z.ZodType<string>>(item: T, what: string) =>
  z
    .array(item)
    .min(1, `must list at least one ${what}`)
    .superRefine((list, ctx) => {
      list.forEach((value, index) => {
        if (list.indexOf(value) !== index) {
          ctx.addIssue({ code: "custom", path: [index], input: value, message: `${what} listed twice` });
        }
      });
    });

/** How fast the StackSet rolls out: regions in parallel, half of a region's accounts at once, 5% may fail. */
export const DEFAULT_STACKSET_OPERATION_PREFERENCES = {
  regionConcurrencyType: "PARALLEL",
  maxConcurrentPercentage: 50,
  failureTolerancePercentage: 5,
  concurrencyMode: "SOFT_FAILURE_TOLERANCE",
} as const;

const percentage = (min: number) =>
  z
    .number()
    .int(`must be a whole percentage ${min}-100`)
    .min(min, `must be a whole percentage ${min}-100`)
    .max(100, `must be a whole percentage ${min}-100`);

const stackSetOperationPreferences = z.strictObject({
  regionConcurrencyType: z
    .enum(["PARALLEL", "SEQUENTIAL"], "must be PARALLEL or SEQUENTIAL")
    .default(DEFAULT_STACKSET_OPERATION_PREFERENCES.regionConcurrencyType),
  maxConcurrentPercentage: percentage(1).default(
    DEFAULT_STACKSET_OPERATION_PREFERENCES.maxConcurrentPercentage,
  ),
  failureTolerancePercentage: percentage(0).default(
    DEFAULT_STACKSET_OPERATION_PREFERENCES.failureTolerancePercentage,
  ),
  concurrencyMode: z
    .enum(
      ["SOFT_FAILURE_TOLERANCE", "STRICT_FAILURE_TOLERANCE"],
      "must be SOFT_FAILURE_TOLERANCE or STRICT_FAILURE_TOLERANCE",
    )
    .default(DEFAULT_STACKSET_OPERATION_PREFERENCES.concurrencyMode),
});

const accessControlAttribute = z.strictObject({
  key: z
    .string()
    .min(1, `key must be 1-${MAX_ATTRIBUTE_KEY_LENGTH} characters`)
    .max(MAX_ATTRIBUTE_KEY_LENGTH, `key must be 1-${MAX_ATTRIBUTE_KEY_LENGTH} characters`)
    .regex(ATTRIBUTE_KEY_PATTERN, "key may hold only letters, digits, spaces and _.:/=+-@"),
  source: z
    .string({ error: "a single source per attribute: a string, not a list (IdC takes exactly one source)" })
    .max(MAX_ATTRIBUTE_SOURCE_LENGTH, `source must be 0-${MAX_ATTRIBUTE_SOURCE_LENGTH} characters`),
});

export const stackConfigSchema = z
  .strictObject({
    identityCenterInstanceArn: z.string().regex(INSTANCE_ARN_PATTERN, INSTANCE_ARN_RULE),
    identitySource: z
      .enum(IDENTITY_SOURCES, "must be scim (external IdP such as Entra ID) or ad")
      .default("scim"),
    accessControlAttributes: z
      .array(accessControlAttribute)
      .min(1, `must hold 1-${MAX_ABAC_ATTRIBUTES} attributes (the full list: IdC replaces it whole)`)
      .max(MAX_ABAC_ATTRIBUTES, `must hold 1-${MAX_ABAC_ATTRIBUTES} attributes (IdC's limit)`),
    importExistingAbac: z.boolean().default(false),
    runAsDefaultUser: linuxUser,
    // false is break-glass: RunAs off everywhere, every other setting kept (docs/operations.md, "Break-glass").
    runAsEnabled: z.boolean("must be true or false (false: break-glass, RunAs off everywhere)").default(true),
    ensureFallbackUser: z
      .boolean("must be true or false (true: a State Manager association creates the fallback user)")
      .default(true),
    organizationalUnitOverrides: z
      .record(z.string().regex(OU_ID_PATTERN, "keys must be OU ids (ou-xxxx-xxxxxxxx)"), linuxUser)
      .default({}),
    deploymentTargets: uniqueList(rootOrOuId, "target"),
    regions: uniqueList(region, "region"),
    scpTargets: uniqueList(rootOrOuId, "target"),
    scpExceptionPrincipalArns: z.array(exemptRoleArnPattern).default([]),
    deployPrincipalArns: z.array(exemptRoleArnPattern).default([]),
    exceptionStackArnPatterns: z
      .array(
        z
          .string()
          .regex(
            STACK_ARN_PATTERN,
            "must be a CloudFormation stack ARN pattern such as arn:aws:cloudformation:*:*:stack/AWSAccelerator-SecurityResourcesStack-*",
          )
          .refine((arn) => !/:stack\/[*?]*$/.test(arn), "matches every stack: name a stack prefix"),
      )
      .default([]),
    allowedSessionDocuments: z
      .array(
        z
          .string()
          .regex(DOCUMENT_NAME_PATTERN, "must be an SSM document name (3-128 of a-z A-Z 0-9 _ - .)")
          .refine((name) => name !== RUN_SHELL_DOCUMENT_NAME, `${RUN_SHELL_DOCUMENT_NAME} is always allowed`),
      )
      .default([]),
    restrictSessionRegions: z.boolean().default(true),
    // Self-managed StackSets (LZA's) run as their own execution role, which must manage the writer instead.
    stackSetExecutionRoleArnPattern: exemptRoleArnPattern.default(STACKSET_EXECUTION_ROLE_ARN_PATTERN),
    stackSetCallAs: z.enum(CALL_AS_VALUES, "must be SELF or DELEGATED_ADMIN").default("SELF"),
    includeManagementAccount: z.boolean().default(false),
    onDelete: z.enum(ON_DELETE_VALUES, "must be retain or restore").default("retain"),
    writerRuntime: z
      .string()
      .superRefine((runtime, ctx) => {
        const problem = writerRuntimeProblem(runtime);
        if (problem) ctx.addIssue({ code: "custom", input: runtime, message: problem });
      })
      .default(NEWEST_NODEJS_RUNTIME),
    stackSetOperationPreferences: stackSetOperationPreferences.default({
      ...DEFAULT_STACKSET_OPERATION_PREFERENCES,
    }),
    // Who deploys the writer and the SCPs: with lza, the program declares their LZA export instead.
    runShellOwner: owner,
    guardrailOwner: owner,
    organizationalUnitPaths: z
      .record(z.string().regex(OU_ID_PATTERN, "keys must be OU ids (ou-xxxx-xxxxxxxx)"), lzaOuPath)
      .default({}),
  })
  .superRefine((config, ctx) => {
    const attributes = config.accessControlAttributes.map(({ key, source }) => ({ key, sources: [source] }));
    // An empty list already failed its length rule.
    for (const { index, field, value, message } of attributes.length === 0
      ? []
      : attributeListProblems(attributes, SOURCE_RULES[config.identitySource])) {
      const path = index === undefined ? [] : [index, field as string];
      ctx.addIssue({ code: "custom", path: ["accessControlAttributes", ...path], input: value, message });
    }
    for (const ou of Object.keys(config.organizationalUnitOverrides)) {
      if (config.deploymentTargets.includes(ou)) {
        ctx.addIssue({
          code: "custom",
          path: ["organizationalUnitOverrides", ou],
          input: ou,
          message: "OU is also in deploymentTargets: override targets must not overlap the default targets",
        });
      }
    }
    // A root holds every OU, so anything beside it overlaps it; nested OUs are checked against the organisation.
    const root = config.deploymentTargets.find((target) => ROOT_ID_PATTERN.test(target));
    if (root !== undefined) {
      for (const ou of Object.keys(config.organizationalUnitOverrides)) {
        ctx.addIssue({
          code: "custom",
          path: ["organizationalUnitOverrides", ou],
          input: ou,
          message: `deploymentTargets holds the root ${root}, which holds every OU: target the root's OUs except this one instead (docs/configuration.md: per-OU default users)`,
        });
      }
      config.deploymentTargets.forEach((target, index) => {
        if (target === root) return;
        ctx.addIssue({
          code: "custom",
          path: ["deploymentTargets", index],
          input: target,
          message: `lies under the root ${root}, also listed: the same accounts would get two stack instances`,
        });
      });
    }
    if (config.stackSetCallAs === "DELEGATED_ADMIN" && config.deployPrincipalArns.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["deployPrincipalArns"],
        input: config.deployPrincipalArns,
        message:
          "needs the deploying pipeline's role with stackSetCallAs DELEGATED_ADMIN: the session guardrail denies changes to the StackSet and the ABAC configuration from member accounts to everyone else",
      });
    }
    // LZA resolves Root to every account it manages, the management account included, and an OU to the
    // accounts placed in it: the management account gets LZA's writer exactly when the root is a target.
    if (config.runShellOwner === "lza" && config.includeManagementAccount !== (root !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["includeManagementAccount"],
        input: config.includeManagementAccount,
        message:
          root === undefined
            ? "with runShellOwner lza the writer reaches the management account only through LZA's Root: target the root in deploymentTargets, or set false"
            : `with runShellOwner lza, the root ${root} becomes LZA's Root, which includes the management account: set true`,
      });
    }
    if (config.includeManagementAccount && config.stackSetCallAs === "DELEGATED_ADMIN") {
      ctx.addIssue({
        code: "custom",
        path: ["includeManagementAccount"],
        input: true,
        message:
          "needs stackSetCallAs SELF: the management-account stacks deploy with the program's own credentials, which with DELEGATED_ADMIN belong to a member account",
      });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type AccessControlAttribute = StackConfig["accessControlAttributes"][number];
export type RawStackConfig = Record<string, unknown>;

export type ParseResult =
  { ok: true; config: StackConfig; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

function configKeyOf(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  const suffix = rest.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
  return `${CONFIG_NAMESPACE}:${head === undefined ? "" : String(head)}${suffix}`;
}

function valueAt(raw: RawStackConfig, path: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One line per problem: the key, the value and the rule. */
export function formatConfigIssue(key: string, value: unknown, rule: string): string {
  return `${key}: ${describeValue(value)} is invalid: ${rule}`;
}

export function sourcePathWarnings(config: StackConfig): string[] {
  if (config.identitySource !== "scim") return [];
  return config.accessControlAttributes.flatMap(({ key, source }, index) => {
    const path = /^\$\{path:(.*)\}$/.exec(source)?.[1];
    if (path === undefined || DOCUMENTED_SCIM_PATHS.includes(path)) return [];
    return [
      `${configKeyOf(["accessControlAttributes", index, "source"])}: ${JSON.stringify(source)} (key ${key}) is not ` +
        "one of the attribute paths IdC documents for ABAC; check that your IdP provisions it",
    ];
  });
}

/** Opt-in regions are allowed, but every account must have enabled them before the writer can land there. */
export function optInRegionWarnings(config: StackConfig): string[] {
  return config.regions.flatMap((name, index) =>
    isOptInRegion(name)
      ? [
          `${configKeyOf(["regions", index])}: ${JSON.stringify(name)} (${knownRegion(name)?.description}) is an ` +
            'opt-in region: disabled in every account until enabled there (AWS Account Management, "Specify which ' +
            'AWS Regions your account can use"); enable it in each target account, and the management account ' +
            "with includeManagementAccount, before deploying",
        ]
      : [],
  );
}

/** A StackSet LZA deploys runs as LZA's execution role, which the SCP lets manage the writer only once named. */
export function ownerWarnings(config: StackConfig): string[] {
  if (
    config.runShellOwner !== "lza" ||
    config.stackSetExecutionRoleArnPattern !== STACKSET_EXECUTION_ROLE_ARN_PATTERN
  )
    return [];
  return [
    `${configKeyOf(["stackSetExecutionRoleArnPattern"])}: ${JSON.stringify(config.stackSetExecutionRoleArnPattern)} ` +
      "is the service-managed StackSet role, but runShellOwner is lza: LZA's stacks run as " +
      "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole, which the SCP lets create the writer only " +
      "once this names it (expected only while moving the writer to LZA: docs/lza.md)",
  ];
}

export function parseStackConfig(raw: RawStackConfig): ParseResult {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    const errors = result.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return issue.keys
          .map((key) =>
            formatConfigIssue(
              configKeyOf([...issue.path, key]),
              valueAt(raw, [...issue.path, key]),
              "unknown key",
            ),
          )
          .join("\n");
      }
      if (issue.code === "invalid_key") {
        // A record key is the bad value here, not the entry it maps to.
        const key = issue.path[issue.path.length - 1];
        return formatConfigIssue(configKeyOf(issue.path), key, issue.issues[0]?.message ?? issue.message);
      }
      const input = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
      const rule = issue.code === "invalid_type" && input === undefined ? "required" : issue.message;
      return formatConfigIssue(configKeyOf(issue.path), input, rule);
    });
    return { ok: false, errors: errors.flatMap((line) => line.split("\n")), warnings: [] };
  }
  return {
    ok: true,
    config: result.data,
    warnings: [
      ...sourcePathWarnings(result.data),
      ...optInRegionWarnings(result.data),
      ...ownerWarnings(result.data),
    ],
  };
}

/** The keys of the contract, in declaration order. */
export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
