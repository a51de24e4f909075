// Pure judgement of what, besides the RunShell document, a row needs to be COMPLIANT: no self-owned Session
// document in the account × region that bypasses RunAs, a healthy writer (function and both reconcile rules),
// the guardrail SCPs attached on the account's path, and (when the audit counts it) the fallback user on every
// Linux managed node. The reads are done at the edge (./aws/auditChecks); this
// module only judges them, and folds the findings into the document's row in one fixed precedence.
import {
  FALLBACK_USER_ASSOCIATION_NAME,
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_AS_DEFAULT_USER_VARIABLE,
  RUN_AS_ENABLED_VARIABLE,
  RUN_SHELL_SCRIPT_DOCUMENT_NAME,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  WRITER_FUNCTION_NAME,
} from "../policypack/rules/names";
import { fallbackUserScriptLines } from "../components/runShell/fallbackUserScript";
import { regionPartition } from "../config/regions";
import { parseContent, type AuditRow, type AuditStatus } from "./auditRows";

/** A read at the edge: what was found, or why it could not be read. */
export type CheckRead<Value> = { kind: "read"; value: Value } | { kind: "failed"; reason: string };

/** A finding of one check: the status it calls for and why. */
export interface Finding {
  status: AuditStatus;
  detail: string;
}

// --- bypass documents -------------------------------------------------------------------------------------

/** A self-owned Session document other than the RunShell document and the stack's allowed ones, as read. */
export interface SessionDocument {
  name: string;
  content: string;
}

const SSH_PORT = "22";

/**
 * Why a Session document's content lets a session bypass RunAs, or undefined when it does not:
 * - `Standard_Stream` (a shell) with `inputs.runAsEnabled` not true: sessions run as ssm-user;
 * - `InteractiveCommands` / `NonInteractiveCommands` with `properties.runAsElevated` true: commands run as root;
 * - `Port` forwarding to port 22, or to a port the caller picks (`{{ … }}`): an SSH login picks its own user;
 * - any other session type: the audit does not know what it does, so it is reported rather than trusted.
 * Content that is not a JSON or YAML document is reported too (it cannot be vouched for).
 */
export function sessionDocumentBypass(content: string): string | undefined {
  let document: unknown;
  try {
    document = parseContent(content);
  } catch {
    return "content cannot be read";
  }
  if (document === null || typeof document !== "object") return "content is not a document object";
  const { sessionType, inputs, properties } = document as Record<string, unknown>;
  const field = (holder: unknown, key: string): unknown =>
    holder !== null && typeof holder === "object" ? (holder as Record<string, unknown>)[key] : undefined;
  switch (sessionType) {
    case "Standard_Stream":
      return field(inputs, "runAsEnabled") === true
        ? undefined
        : "Standard_Stream with runAsEnabled not true";
    case "InteractiveCommands":
    case "NonInteractiveCommands":
      return field(properties, "runAsElevated") === true
        ? `${sessionType} with runAsElevated true`
        : undefined;
    case "Port": {
      const port = String(field(properties, "portNumber") ?? "");
      if (port === SSH_PORT) return "Port forwarding to port 22 (SSH)";
      if (port === "" || port.includes("{{")) return "Port forwarding to a port the caller chooses";
      return undefined;
    }
    default:
      return `unknown sessionType ${JSON.stringify(sessionType ?? null)}`;
  }
}

export function bypassFinding(read: CheckRead<SessionDocument[]>): Finding | undefined {
  if (read.kind === "failed") return { status: "ERROR", detail: `Session documents: ${read.reason}` };
  const bypassing = read.value.flatMap(({ name, content }) => {
    const reason = sessionDocumentBypass(content);
    return reason ? [`${name} (${reason})`] : [];
  });
  if (bypassing.length === 0) return undefined;
  return {
    status: "BYPASS_DOCUMENT",
    detail: `Session documents that bypass RunAs: ${bypassing.join(", ")}`,
  };
}

// --- the writer -------------------------------------------------------------------------------------------

export const RECONCILE_RULE_NAMES = [RECONCILE_ON_CHANGE_RULE_NAME, RECONCILE_DAILY_RULE_NAME] as const;

export interface WriterFunction {
  arn: string;
  /** Lambda's State: Active, Pending, Inactive, Failed. */
  state?: string;
  environment: Record<string, string>;
}

export interface ReconcileRule {
  name: string;
  /** null: the rule does not exist. */
  state: string | null;
  targetArns: string[];
}

export interface WriterState {
  /** null: the function does not exist. */
  function: WriterFunction | null;
  /** The function's ARN where it would be (the rules' targets are checked against it even when it is missing). */
  functionArn: string;
  rules: ReconcileRule[];
}

const quoted = (value: string | undefined) => (value === undefined ? "not set" : JSON.stringify(value));

/**
 * What is wrong with the writer in one account × region, one phrase each; empty when it is healthy. Its
 * RUN_AS_ENABLED is what every reconcile applies: "true", or "false" in break-glass (`expectedRunAsEnabled`).
 */
export function writerProblems(
  writer: WriterState,
  expectedUser: string,
  expectedRunAsEnabled = true,
): string[] {
  const problems: string[] = [];
  const fn = writer.function;
  if (!fn) problems.push(`function ${WRITER_FUNCTION_NAME} is missing`);
  else {
    if (fn.state === "Failed") problems.push(`function ${WRITER_FUNCTION_NAME} is in state Failed`);
    const enabled = fn.environment[RUN_AS_ENABLED_VARIABLE];
    const expectedEnabled = String(expectedRunAsEnabled);
    if (enabled !== expectedEnabled)
      problems.push(`${RUN_AS_ENABLED_VARIABLE} is ${quoted(enabled)}, expected "${expectedEnabled}"`);
    const user = fn.environment[RUN_AS_DEFAULT_USER_VARIABLE];
    if (user !== expectedUser) {
      problems.push(`${RUN_AS_DEFAULT_USER_VARIABLE} is ${quoted(user)}, expected "${expectedUser}"`);
    }
  }
  for (const name of RECONCILE_RULE_NAMES) {
    const rule = writer.rules.find((candidate) => candidate.name === name);
    if (!rule || rule.state === null) {
      problems.push(`rule ${name} is missing`);
      continue;
    }
    if (rule.state !== "ENABLED") problems.push(`rule ${name} is ${rule.state}`);
    // The unqualified ARN, or a version or alias of it.
    const targetsWriter = rule.targetArns.some(
      (arn) => arn === writer.functionArn || arn.startsWith(`${writer.functionArn}:`),
    );
    if (!targetsWriter) problems.push(`rule ${name} does not target the writer`);
  }
  return problems;
}

export function writerFinding(
  read: CheckRead<WriterState>,
  expectedUser: string,
  expectedRunAsEnabled = true,
): Finding | undefined {
  if (read.kind === "failed") return { status: "ERROR", detail: `writer: ${read.reason}` };
  const problems = writerProblems(read.value, expectedUser, expectedRunAsEnabled);
  return problems.length === 0 ? undefined : { status: "WRITER_UNHEALTHY", detail: problems.join(", ") };
}

// --- the guardrail ----------------------------------------------------------------------------------------

export const GUARDRAIL_POLICY_NAMES = [
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
] as const;

export type GuardrailState =
  /** No service control policy applies to the management account. */
  | { kind: "management" }
  | {
      kind: "member";
      /** SERVICE_CONTROL_POLICY is enabled on the organisation's root. */
      scpEnabled: boolean;
      /** Names of the SCPs attached to the root, the OUs above the account, or the account. */
      attached: string[];
    };

/** The guardrail policies missing from the account's path (all of them where SCPs do not apply). */
export function missingGuardrails(state: GuardrailState): string[] {
  if (state.kind === "management" || !state.scpEnabled) return [...GUARDRAIL_POLICY_NAMES];
  return GUARDRAIL_POLICY_NAMES.filter((name) => !state.attached.includes(name));
}

export function guardrailFinding(read: CheckRead<GuardrailState>): Finding | undefined {
  if (read.kind === "failed") return { status: "ERROR", detail: `guardrail: ${read.reason}` };
  const state = read.value;
  if (state.kind === "management") {
    return {
      status: "UNGUARDED",
      detail: "the management account: no service control policy applies there",
    };
  }
  if (!state.scpEnabled) {
    return {
      status: "UNGUARDED",
      detail: "service control policies are not enabled on the organisation's root",
    };
  }
  const missing = missingGuardrails(state);
  if (missing.length === 0) return undefined;
  return {
    status: "UNGUARDED",
    detail: `not attached to the account, its OUs or the root: ${missing.join(", ")}`,
  };
}

// --- the fallback user ------------------------------------------------------------------------------------

export interface FallbackUserState {
  /**
   * The fallback-user association's targets that last ran it successfully (State Manager's aggregated count by
   * status), or null when the account × region has no association of that name.
   */
  succeeded: number | null;
  /** Linux managed nodes registered in the account × region. */
  linuxNodes: number;
  /** What each association of that name runs (DescribeAssociation): the StackSet's is the only one expected. */
  scripts: AssociationScript[];
}

export interface AssociationScript {
  /** The association's document, AWS-RunShellScript as the StackSet creates it. */
  document: string;
  /** Its `commands` parameter. */
  commands: readonly string[];
}

/**
 * Whether the audit counts the fallback user. `flag` is --fallback-user (true), --no-fallback-user (false) or
 * neither (undefined): a stack that deploys the association (ensureFallbackUser) counts it unless told not to;
 * without a stack only --fallback-user does. --fallback-user on a stack that deploys none is refused, in `problem`.
 */
export function fallbackUserCounted(
  flag: boolean | undefined,
  stack: { name: string; ensureFallbackUser: boolean } | undefined,
): { counted: boolean; problem?: string } {
  if (!stack) return { counted: flag === true };
  if (flag === true && !stack.ensureFallbackUser) {
    return {
      counted: false,
      problem: `option '--fallback-user': stack ${stack.name} has ensureFallbackUser false, so it deploys no fallback-user association to count`,
    };
  }
  return { counted: flag ?? stack.ensureFallbackUser };
}

/**
 * How many Linux managed nodes may not have the fallback user yet: those beyond the association's successful
 * targets. AWS-RunShellScript never runs on Windows nodes, so they never count as successes, nor here as Linux.
 */
export function fallbackUserPending({ succeeded, linuxNodes }: FallbackUserState): number {
  return succeeded === null ? linuxNodes : Math.max(0, linuxNodes - succeeded);
}

/**
 * The association's successes count only while it runs the script that creates `expectedUser`: one rewritten to
 * do nothing (or a second one of the same name) would otherwise report every node done.
 */
export function fallbackUserFinding(
  read: CheckRead<FallbackUserState>,
  expectedUser: string,
): Finding | undefined {
  if (read.kind === "failed") return { status: "ERROR", detail: `fallback user: ${read.reason}` };
  const state = read.value;
  if (state.succeeded === null) {
    return {
      status: "FALLBACK_USER_PENDING",
      detail: `association ${FALLBACK_USER_ASSOCIATION_NAME} is missing: no node gets the fallback user (${state.linuxNodes} Linux managed nodes)`,
    };
  }
  if (state.scripts.length > 1) {
    return {
      status: "FALLBACK_USER_PENDING",
      detail: `${state.scripts.length} associations are named ${FALLBACK_USER_ASSOCIATION_NAME}, the StackSet creates one: their successes do not say which script ran`,
    };
  }
  const expected = fallbackUserScriptLines(expectedUser);
  const changed = state.scripts.find(
    ({ document, commands }) =>
      document !== RUN_SHELL_SCRIPT_DOCUMENT_NAME ||
      commands.length !== expected.length ||
      commands.some((line, index) => line !== expected[index]),
  );
  if (changed) {
    return {
      status: "FALLBACK_USER_PENDING",
      detail: `association ${FALLBACK_USER_ASSOCIATION_NAME} does not run the script that creates ${expectedUser} (${changed.document}, changed outside the StackSet): its successes say nothing about the user`,
    };
  }
  const pending = fallbackUserPending(state);
  if (pending === 0) return undefined;
  return {
    status: "FALLBACK_USER_PENDING",
    detail: `${pending} of ${state.linuxNodes} Linux managed nodes without a successful run of ${FALLBACK_USER_ASSOCIATION_NAME}`,
  };
}

// --- folding the findings into the row ---------------------------------------------------------------------

/**
 * The order a row's status is chosen in when several findings apply: what the document says first (sessions
 * get the wrong user today), then Linux nodes that may lack its fallback user (sessions there fail once RunAs
 * is on), then a document that bypasses it today, then what lets it drift back (no writer to repair it, no SCP
 * to stop the change); an ERROR from a check only when nothing definite was found.
 */
export const PRECEDENCE: readonly AuditStatus[] = [
  "ERROR",
  "MISSING",
  "RUNAS_DISABLED",
  "BREAK_GLASS_PENDING",
  "WRONG_USER",
  "LATEST_DIFFERS",
  "FALLBACK_USER_PENDING",
  "BYPASS_DOCUMENT",
  "WRITER_UNHEALTHY",
  "UNGUARDED",
];

export interface RowChecks {
  bypass?: Finding;
  writer?: Finding;
  guardrail?: Finding;
  fallbackUser?: Finding;
}

/**
 * The document's row with the other checks' findings folded in: the row's status is the first that applies in
 * PRECEDENCE (a document that could not be read is ERROR whatever else was found; a check that could not be
 * read makes the row ERROR only when nothing else was found), and `detail` names the others after it
 * (`…; also UNGUARDED: …`). The RunAs values and versions stay the document's.
 */
export function withChecks(row: AuditRow, checks: RowChecks): AuditRow {
  // BREAK_GLASS is the document as intended, like COMPLIANT: any other finding comes before it.
  const intended = row.status === "COMPLIANT" || row.status === "BREAK_GLASS";
  const findings: Finding[] = [];
  if (!intended) findings.push({ status: row.status, detail: row.detail });
  const others = [checks.fallbackUser, checks.bypass, checks.writer, checks.guardrail].filter(
    (finding): finding is Finding => finding !== undefined,
  );
  const rank = (finding: Finding) =>
    finding.status === "ERROR" ? PRECEDENCE.length : PRECEDENCE.indexOf(finding.status);
  findings.push(...others.sort((a, b) => rank(a) - rank(b)));
  if (findings.length === 0) return row;
  const [primary, ...rest] = findings;
  const parts = [primary.detail, ...rest.map(({ status, detail }) => `also ${status}: ${detail}`)];
  // Said where it holds: a row that is not COMPLIANT for another reason still has the right document.
  if (row.status === "COMPLIANT") parts.push(COMPLIANT_DOCUMENT_NOTE);
  if (row.status === "BREAK_GLASS") parts.push(BREAK_GLASS_DOCUMENT_NOTE);
  return { ...row, status: primary.status, detail: parts.filter(Boolean).join("; ") };
}

export const COMPLIANT_DOCUMENT_NOTE = "the RunShell document itself is compliant";
export const BREAK_GLASS_DOCUMENT_NOTE = "the RunShell document itself is in break-glass, as intended";

// --- regions outside the managed ones ------------------------------------------------------------------------

export function unmanagedRegionRow(accountId: string, region: string): AuditRow {
  return {
    accountId,
    region,
    status: "UNMANAGED_REGION",
    runAsEnabled: null,
    runAsDefaultUser: null,
    detail: "enabled in the account but not a managed region: no writer keeps RunAs on there",
    defaultVersion: null,
    latestVersion: null,
  };
}

/** The enabled regions of `partition` outside `managed`, sorted. */
export function unmanagedRegions(
  enabled: readonly { name: string; optInStatus?: string }[],
  managed: readonly string[],
  partition: string,
): string[] {
  return enabled
    .filter(({ name, optInStatus }) => optInStatus !== "not-opted-in" && regionPartition(name) === partition)
    .map(({ name }) => name)
    .filter((name) => !managed.includes(name))
    .sort();
}
