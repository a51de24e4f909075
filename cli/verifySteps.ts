// The pure side of `verify`: a step's result and its line, and what the SCP probe's answer means.
import { arnMatches } from "../policypack/iam";
import { STACKSET_EXECUTION_ROLE_ARN_PATTERN, WRITER_ROLE_ARN_PATTERN } from "../policypack/rules/names";
import { describeError } from "./errors";
import { terminalText } from "./report";

export interface StepResult {
  ok: boolean;
  title: string;
  detail: string;
  /** Not checkable here: a person must look (printed CHECK; it does not fail the run). */
  manual?: true;
}

export const pass = (title: string, detail: string): StepResult => ({ ok: true, title, detail });
export const fail = (title: string, detail: string): StepResult => ({ ok: false, title, detail });
export const check = (title: string, detail: string): StepResult => ({
  ok: true,
  title,
  detail,
  manual: true,
});

export function stepStatus({ ok, manual }: StepResult): "PASS" | "FAIL" | "CHECK" {
  return manual ? "CHECK" : ok ? "PASS" : "FAIL";
}

export function formatStep(step: StepResult): string {
  return `${stepStatus(step).padEnd(5)} ${terminalText(`${step.title}: ${step.detail}`)}\n`;
}

/** `verify`'s exit code when it refuses to run because break-glass is on: neither a failed check nor a usage error. */
export const BREAK_GLASS_EXIT_CODE = 3;

/**
 * Why `verify` runs nothing while the stack is in break-glass: every check asserts RunAs on, which is off by
 * design, and the probes would add write attempts to an incident's CloudTrail. One line.
 */
export function breakGlassRefusal(stack: string): string {
  return (
    `ssm-runas verify: stack ${stack} is in break-glass (runAsEnabled: false): RunAs is off by design, so verify ` +
    "runs no check and no probe until runAsEnabled: true is rolled out; `ssm-runas audit` reports the break-glass state\n"
  );
}

/** The SCP exemption pattern `arn` falls under, if any: probing with such a role proves nothing. */
export function exemptionMatching(
  arn: string,
  extraPatterns: readonly string[],
  stackSetExecutionRoleArnPattern = STACKSET_EXECUTION_ROLE_ARN_PATTERN,
): string | undefined {
  return [WRITER_ROLE_ARN_PATTERN, stackSetExecutionRoleArnPattern, ...extraPatterns].find((pattern) =>
    // ArnLike, as the SCP's condition evaluates it.
    arnMatches(pattern, arn),
  );
}

/** Pure: what the answer to an UpdateDocument with unchanged content says about the SCP. */
export function classifyWriteProbe(error: unknown): { ok: boolean; detail: string } {
  if (error === undefined) {
    return { ok: false, detail: "NOT protected: the write was accepted" };
  }
  const name = (error as Error).name;
  const message = (error as Error).message ?? "";
  if (name === "DuplicateDocumentContent") {
    return {
      ok: false,
      detail:
        "NOT protected: the write reached the document and was turned down only because the content is " +
        "unchanged (DuplicateDocumentContent); no service control policy denied it",
    };
  }
  if (/AccessDenied/.test(name) && /service control polic/i.test(message)) {
    return { ok: true, detail: "refused with an explicit deny in a service control policy" };
  }
  if (/AccessDenied/.test(name)) {
    return { ok: false, detail: `refused, but not by a service control policy: ${describeError(error)}` };
  }
  return { ok: false, detail: `inconclusive: ${describeError(error)}` };
}

/**
 * Pure: what the answer to a probe the SCP must deny says. AWS authorises a call before it looks at what the
 * call names, so a call on something that does not exist (instance `i-00000000000000000`, a role that is not
 * there) still tells the two apart: AccessDenied "with an explicit deny in a service control policy" passes;
 * any other answer (NoSuchEntity, InvalidInstanceId, a validation error, success) means the call got past
 * authorisation, so no SCP stopped it; AccessDenied from anything else (the role's own policy, a permissions
 * boundary) proves nothing about the SCP and fails too.
 */
export function classifyDenyProbe(error: unknown): { ok: boolean; detail: string } {
  if (error === undefined) return { ok: false, detail: "NOT protected: the call was accepted" };
  const name = (error as Error).name ?? "";
  const message = (error as Error).message ?? "";
  if (/AccessDenied/.test(name) && /service control polic/i.test(message)) {
    return { ok: true, detail: "refused with an explicit deny in a service control policy" };
  }
  if (/AccessDenied/.test(name)) {
    return { ok: false, detail: `refused, but not by a service control policy: ${describeError(error)}` };
  }
  return {
    ok: false,
    detail: `NOT protected: the call got past authorisation, no service control policy denied it (${describeError(error)})`,
  };
}

// --- Identity Center sign-in (`verify --sign-in`) ---------------------------------------------------------

/** The path IAM Identity Center gives the roles of its permission sets; only AWS can create roles under it. */
export const IDC_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/";
/** The name Identity Center gives a permission set's role in an account. */
export const IDC_ROLE_NAME = /^AWSReservedSSO_([\w+=,.@-]+)_[0-9a-f]{16}$/;

/** What to do after a CreateToken poll failed (RFC 8628 §3.5, as `aws sso login` does it). */
export type PollDecision = { wait: true; intervalSeconds: number } | { wait: false; detail: string };

/**
 * Pure: the device-code polling schedule. `authorization_pending` polls again after the interval,
 * `slow_down` after 5 seconds more; any other error, or a next poll past the device code's expiry, ends it.
 */
export function nextPoll(
  error: unknown,
  intervalSeconds: number,
  nowMs: number,
  expiresAtMs: number,
): PollDecision {
  const name = (error as Error | undefined)?.name ?? "";
  let next: number;
  if (name === "AuthorizationPendingException") next = intervalSeconds;
  else if (name === "SlowDownException") next = intervalSeconds + 5;
  else if (name === "ExpiredTokenException") {
    return { wait: false, detail: "the device code expired before the sign-in was approved" };
  } else if (name === "AccessDeniedException") {
    return { wait: false, detail: `the sign-in was refused: ${describeError(error)}` };
  } else return { wait: false, detail: `CreateToken: ${describeError(error)}` };
  if (nowMs + next * 1000 >= expiresAtMs) {
    return {
      wait: false,
      detail: `the device code expired before the sign-in was approved (after ${Math.round(
        (expiresAtMs - nowMs) / 1000,
      )} s more it would be past its expiry)`,
    };
  }
  return { wait: true, intervalSeconds: next };
}

/** Pure: the permission set to sign in with: the one named, else the only one; otherwise a usage problem. */
export function chooseRole(
  roles: readonly string[],
  accountId: string,
  permissionSet: string | undefined,
): { role: string } | { problem: string } {
  const listed = roles.length ? roles.join(", ") : "none";
  if (permissionSet !== undefined) {
    return roles.includes(permissionSet)
      ? { role: permissionSet }
      : {
          problem: `--permission-set ${permissionSet} is not assigned in ${accountId} (assigned: ${listed})`,
        };
  }
  if (roles.length === 1) return { role: roles[0] };
  return roles.length === 0
    ? { problem: `the signed-in user has no permission set in ${accountId}` }
    : {
        problem: `the signed-in user has several permission sets in ${accountId}: pass --permission-set (one of ${listed})`,
      };
}

/**
 * Pure: does the caller identity the sign-in's credentials report prove the federation went through? It must
 * be a session of the permission set's Identity Center role in the target account. An assumed-role ARN
 * carries no role path; the `AWSReservedSSO_<permission set>_<hash>` name is the one Identity Center gives
 * its roles under /aws-reserved/sso.amazonaws.com/.
 */
export function signInVerdict(
  callerArn: string,
  accountId: string,
  permissionSet: string,
): { ok: boolean; detail: string } {
  const match = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(callerArn);
  if (!match) return { ok: false, detail: `the credentials are not a role session: ${callerArn}` };
  const [, account, roleName] = match;
  if (account !== accountId) {
    return {
      ok: false,
      detail: `the credentials are for account ${account}, not ${accountId}: ${callerArn}`,
    };
  }
  const name = IDC_ROLE_NAME.exec(roleName);
  if (!name) {
    return {
      ok: false,
      detail: `the credentials are for ${roleName}, not an Identity Center role under ${IDC_ROLE_PATH}: ${callerArn}`,
    };
  }
  if (name[1] !== permissionSet) {
    return {
      ok: false,
      detail: `the credentials are for permission set ${name[1]}, not ${permissionSet}: ${callerArn}`,
    };
  }
  return {
    ok: true,
    detail: `signed in as ${callerArn} (${IDC_ROLE_PATH} role of permission set ${permissionSet}): the SCPs did not block the federation`,
  };
}
