// The pack's verdict as synth writes it (policy-report.json) and prints it.
import type { PolicyReport, PolicyViolation } from "./policyHost";
import type { RenderedFile } from "./renderedFile";

export const POLICY_REPORT_FILE = "policy-report.json";

export function mandatoryViolations(report: PolicyReport): PolicyViolation[] {
  return report.violations.filter((v) => v.enforcementLevel === "mandatory");
}

/** One line per violation, naming the policy, for stderr. */
export function formatViolation(violation: PolicyViolation): string {
  const where = violation.resource ? ` (${violation.resource})` : "";
  return `policy ${violation.policy} [${violation.enforcementLevel}]: ${violation.message}${where}`;
}

export function renderPolicyReport(report: PolicyReport): RenderedFile {
  return { file: POLICY_REPORT_FILE, content: `${JSON.stringify(report, null, 2)}\n` };
}
