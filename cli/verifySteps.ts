// The pure side of `verify`: a step's result and its line, and what the SCP probe's answer means.
import { arnMatches } from "../policypack/iam";
import { STACKSET_EXECUTION_ROLE_ARN_PATTERN, WRITER_ROLE_ARN_PATTERN } from "../policypack/rules/names";
import { describeError } from "./errors";

export interface StepResult {
  ok: boolean;
  title: string;
  detail: string;
}

export const pass = (title: string, detail: string): StepResult => ({ ok: true, title, detail });
export const fail = (title: string, detail: string): StepResult => ({ ok: false, title, detail });

export function formatStep({ ok, title, detail }: StepResult): string {
  return `${ok ? "PASS" : "FAIL"}  ${title}: ${detail}\n`;
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
