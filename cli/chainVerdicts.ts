// Pure verdicts on the links of the RunAs chain that `verify` and `doctor` both read: the SSMSessionRunAs source
// ABAC maps, an engineer's value of it, and the RunShell document's row in one account × region.
import { RUN_AS_TAG_KEY } from "../policypack/rules/names";
import { sessionUserProblem } from "../policypack/rules/values";
import type { AuditRow } from "./auditRows";
import type { AbacState } from "./aws/identityCenter";

export interface Verdict {
  ok: boolean;
  detail: string;
}

/** Does the live ABAC configuration map SSMSessionRunAs, and from the `declared` source (when one is)? */
export function abacVerdict(
  abac: AbacState,
  instanceArn: string,
  declared: string | undefined,
): Verdict & { source?: string } {
  if (!abac.enabled) return { ok: false, detail: abac.reason };
  const source = abac.attributes.find(({ key }) => key === RUN_AS_TAG_KEY)?.source;
  if (!source) return { ok: false, detail: `${instanceArn} has no ${RUN_AS_TAG_KEY} attribute` };
  if (declared && declared !== source) {
    return { ok: false, detail: `it maps ${source}, but ${declared} is declared`, source };
  }
  return { ok: true, detail: `from ${source} on ${instanceArn}`, source };
}

/** Is a user's value at `path` (undefined: none) a Linux user a session can start as? */
export function runAsValueVerdict(path: string, value: string | undefined): Verdict {
  if (value === undefined) {
    return { ok: false, detail: `${path} is empty: sessions fall back to the default user` };
  }
  const problem = sessionUserProblem(value);
  if (problem) return { ok: false, detail: `${path} is ${JSON.stringify(value)}: ${problem}` };
  return { ok: true, detail: `${path} is ${JSON.stringify(value)}` };
}

/** Does the RunShell document's row (../auditRows' classifyDocument) say RunAs is on with `expectedUser`? */
export function documentVerdict(row: AuditRow, expectedUser: string): Verdict {
  if (row.status !== "COMPLIANT") return { ok: false, detail: `${row.status}: ${row.detail}` };
  const versions =
    row.defaultVersion === row.latestVersion
      ? ""
      : ` (default v${row.defaultVersion} and latest v${row.latestVersion} alike)`;
  return { ok: true, detail: `runAsDefaultUser is "${expectedUser}" as expected${versions}` };
}
