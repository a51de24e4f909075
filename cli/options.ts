// Option parsing shared by the subcommands. A bad value stops the command with commander's one line naming
// the option, the value and the rule, and exit code 2 (the command itself could not run).
import { CommanderError, InvalidArgumentError, Option, type Command } from "commander";
import { rawConfigFromPulumi } from "../config/pulumiConfig";
import { RUN_AS_TAG_KEY } from "../policypack/rules/names";
import {
  ACCOUNT_ID_PATTERN,
  INSTANCE_ARN_PATTERN,
  INSTANCE_ARN_RULE,
  OU_ID_PATTERN,
  ROOT_ID_PATTERN,
  ROOT_OR_OU_ID_RULE,
  SCIM_SOURCE_PATTERN,
  sessionUserProblem,
} from "../policypack/rules/values";
import { regionProblem } from "../config/regions";
import { parseStackConfig, type StackConfig } from "../config/schema";
import { PROJECT_DIR, readStackConfig, StackFileError } from "../synth/stackFiles";
import { expectationFromStack, type UserExpectation } from "./expectedUser";
import { OUTPUT_FORMATS } from "./report";

const USAGE_EXIT_CODE = 2;

/** Usage errors exit 2 like every failure of the command itself; help and version still exit 0. */
export function exitTwoOnUsageErrors(command: Command): Command {
  return command.showHelpAfterError(false).exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(USAGE_EXIT_CODE, err.code, err.message);
  });
}

/** Stops the command with one line on stderr and exit code 2. */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: USAGE_EXIT_CODE });
}

function matching(pattern: RegExp, rule: string) {
  return (value: string) => {
    if (!pattern.test(value)) throw new InvalidArgumentError(rule);
    return value;
  };
}

/** For variadic options: each value is checked, then collected. */
function each<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined) => [...(previous ?? []), parse(value)];
}

/** The stack config's rule for a region name (config/regions.ts). */
export function parseRegion(value: string): string {
  const problem = regionProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}
export const parseAccountId = matching(ACCOUNT_ID_PATTERN, "must be a 12-digit AWS account id");
export const parseInstanceArn = matching(INSTANCE_ARN_PATTERN, INSTANCE_ARN_RULE);
export const parseIdentityStoreId = matching(
  /^d-[0-9a-z]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  "must be an identity store id such as d-1234567890",
);
export const parseRoleName = matching(
  /^[\w+=,.@-]{1,64}$/,
  "must be an IAM role name such as OrganizationAccountAccessRole",
);
const parseScopeId = (value: string) => {
  if (!ROOT_ID_PATTERN.test(value) && !OU_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(ROOT_OR_OU_ID_RULE);
  }
  return value;
};
export function parseLinuxUser(value: string): string {
  const problem = sessionUserProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}
export function parseConcurrency(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 256) {
    throw new InvalidArgumentError("must be a whole number from 1 to 256");
  }
  return number;
}
/** `${path:…}` only: the identity store holds the attributes an external IdP provisions with SCIM. */
export function parseScimSource(value: string): string {
  if (!SCIM_SOURCE_PATTERN.test(value)) {
    throw new InvalidArgumentError("must be an identity-store attribute path such as ${path:userName}");
  }
  return value;
}

export const regionsOption = () =>
  new Option("--regions <region...>", "regions to read (default: the stack's regions)").argParser(
    each(parseRegion),
  );
export const scopeOption = () =>
  new Option(
    "--ou <id...>",
    "only accounts under these OUs or roots, including child OUs (default: the whole organisation)",
  ).argParser(each(parseScopeId));
/** --stack <name> and the --project-dir it is read from (as `synth` takes them). */
export function addStackOptions(command: Command, what: string): Command {
  return command
    .addOption(new Option("--stack <name>", `read ${what} from Pulumi.<name>.yaml`))
    .addOption(
      new Option(
        "--project-dir <dir>",
        "folder holding Pulumi.yaml and Pulumi.<stack>.yaml (default: this project)",
      ),
    );
}

/** --expected-user: the fallback user to expect instead of the stack's (`what` says where it is expected). */
export function expectedUserOption(what: string): Option {
  return new Option("--expected-user <name>", `the runAsDefaultUser ${what} (instead of --stack)`)
    .argParser(parseLinuxUser)
    .conflicts("stack");
}

/** --format (one of `formats`, default table) and --json. */
export function addOutputOptions(command: Command, formats: readonly string[] = OUTPUT_FORMATS): Command {
  return command
    .addOption(new Option("--format <format>", "output format").choices(formats).default("table"))
    .addOption(new Option("--json", "same as --format json").conflicts("format"));
}

export function outputFormat<Format extends string>(options: {
  format: Format;
  json?: boolean;
}): Format | "json" {
  return options.json ? "json" : options.format;
}

export interface Stack {
  name: string;
  config: StackConfig;
  /** `aws:region`: where the program's own resources live, the RunShell StackSet among them. */
  region?: string;
  /** `aws-native:region`: where the IAM Identity Center instance (and its ABAC singleton) lives. */
  identityCenterRegion?: string;
}

export interface StackOptions {
  stack?: string;
  projectDir?: string;
}

/** Reads and validates Pulumi.<stack>.yaml when --stack is given; a bad file or value stops the command (exit 2). */
export function loadStack(command: Command, { stack: name, projectDir }: StackOptions): Stack | undefined {
  if (name === undefined) return undefined;
  let flat: Record<string, string>;
  try {
    flat = readStackConfig(projectDir ?? PROJECT_DIR, name);
  } catch (err) {
    if (err instanceof StackFileError) usageError(command, `option '--stack ${name}': ${err.message}`);
    throw err;
  }
  const parsed = parseStackConfig(rawConfigFromPulumi(flat));
  if (!parsed.ok) {
    usageError(command, `option '--stack ${name}': ${parsed.errors.join("; ")}`);
  }
  return {
    name,
    config: parsed.config,
    region: flat["aws:region"],
    identityCenterRegion: flat["aws-native:region"],
  };
}

/** The source the stack's ABAC configuration declares for SSMSessionRunAs, if any. */
export function declaredRunAsSource(stack: Stack | undefined): string | undefined {
  return stack?.config.accessControlAttributes.find(({ key }) => key === RUN_AS_TAG_KEY)?.source;
}

/** The RunAs source: `option`'s value, else the stack's SSMSessionRunAs attribute (a scim stack's `${path:…}`). */
export function runAsSource(
  command: Command,
  source: string | undefined,
  stack: Stack | undefined,
  option = "--source",
): string {
  if (source) return source;
  if (!stack) usageError(command, `one of --stack <name> or ${option} <\${path:...}> is required`);
  const fromStack = declaredRunAsSource(stack);
  if (stack.config.identitySource !== "scim" || !fromStack) {
    usageError(command, `the stack's ${RUN_AS_TAG_KEY} source is not an identity-store path: pass ${option}`);
  }
  return fromStack;
}

export interface IdentityCenterOptions {
  instanceArn?: string;
  identityStoreId?: string;
  idcRegion?: string;
}

/** --instance-arn, --identity-store-id, --idc-region: where the IAM Identity Center instance is. */
export function identityCenterOptions(command: Command, withIdentityStore = true): Command {
  command.addOption(
    new Option(
      "--instance-arn <arn>",
      "IAM Identity Center instance (default: the stack's, or the only one)",
    ).argParser(parseInstanceArn),
  );
  if (withIdentityStore) {
    command.addOption(
      new Option("--identity-store-id <id>", "identity store (default: the instance's)").argParser(
        parseIdentityStoreId,
      ),
    );
  }
  return command.addOption(
    new Option(
      "--idc-region <region>",
      "region of the Identity Center instance (default: the stack's aws-native:region, else AWS_REGION)",
    ).argParser(parseRegion),
  );
}

/**
 * The expected fallback users — --expected-user for every account, or the stack's default and per-OU users —
 * and whether RunAs should be on: off (break-glass) when the stack's runAsEnabled is false or
 * --expect-runas-disabled says so, before or without a config change.
 */
export function expectationOf(
  command: Command,
  expectedUser: string | undefined,
  stack: Stack | undefined,
  expectRunAsDisabled = false,
): UserExpectation {
  if (expectedUser) return { defaultUser: expectedUser, overrides: {}, runAsEnabled: !expectRunAsDisabled };
  if (stack) {
    const expectation = expectationFromStack(stack.config);
    return { ...expectation, runAsEnabled: expectation.runAsEnabled && !expectRunAsDisabled };
  }
  usageError(command, "one of --stack <name> or --expected-user <name> is required");
}

/**
 * The one-line warning when --expect-runas-disabled contradicts the --stack it audits against (its runAsEnabled
 * is true): right during the emergency path, before the config change; wrong when the flag is left on after.
 */
export function runAsDisabledContradiction(
  stackName: string | undefined,
  stack: Stack | undefined,
  expectRunAsDisabled: boolean,
): string | undefined {
  if (!expectRunAsDisabled || stackName === undefined || stack?.config.runAsEnabled !== true)
    return undefined;
  return (
    `warning: --expect-runas-disabled overrides stack ${stackName}, whose runAsEnabled is true: RunAs is ` +
    `expected off; the next pulumi up of ${stackName} turns it back on unless its runAsEnabled is false`
  );
}
