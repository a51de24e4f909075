// The fallback-user association's protection: the writer tags it, and the ssm-runas SCPs keep every association
// carrying the tag to the StackSet role and the writer, while leaving the SSM Agent's reports of its runs open.
import type { StackValidationPolicy } from "@pulumi/policy";
import { hasCondition, holdsUnder, onGuardrails, type ScpStatement } from "./guardrail";
import { denies, exemptionsOf, exemptsPattern, guards, patternWithin, type Statement } from "./iam";
import {
  ASSOCIATION_ARN_PATTERN,
  MANAGED_TAG_KEY,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_FUNCTION_ARN_PATTERN,
  WRITER_ROLE_ARN_PATTERN,
} from "./rules/names";
import { AGENT_REPORT_ACTION, ASSOCIATION_WRITE_ACTIONS } from "./rules/scpActions";

const TAG_CONDITION_KEY = `aws:ResourceTag/${MANAGED_TAG_KEY}`;

/** A Deny on tagged associations: under `Null aws:ResourceTag/<key>` false alone, besides exemptions. */
function onTagged(statement: Statement): boolean {
  const tagged = hasCondition(
    statement,
    (c) =>
      c.set === undefined &&
      c.base === "null" &&
      c.key.toLowerCase() === TAG_CONDITION_KEY.toLowerCase() &&
      c.values.every((v) => v === "false"),
  );
  return tagged !== undefined && holdsUnder(statement, tagged);
}

/**
 * Who may manage the association: the writer role, which protects it, and whoever may already change the
 * writer (the StackSet role, exempt from the Deny that guards the writer function), so no one gains by it.
 */
function writerManagers(statements: readonly Statement[]): string[] {
  const writerGuards = denies(statements, "lambda:UpdateFunctionCode", WRITER_FUNCTION_ARN_PATTERN).filter(
    guards,
  );
  const stackSetRoles = writerGuards.length
    ? writerGuards.flatMap((s) => exemptionsOf(s).map((e) => e.pattern))
    : [STACKSET_EXECUTION_ROLE_ARN_PATTERN];
  return [...new Set([...stackSetRoles, WRITER_ROLE_ARN_PATTERN])];
}

export const scpProtectsFallbackUserAssociation: StackValidationPolicy = {
  name: "ssm-runas-scp-fallback-user-association",
  description:
    `The ssm-runas SCPs deny ${ASSOCIATION_WRITE_ACTIONS.join(", ")} on every association tagged ${MANAGED_TAG_KEY} ` +
    "(the fallback-user one) to all but, and to none of, the writer and the principals that may change the " +
    "writer (the StackSet role), and leave the SSM Agent's " +
    `${AGENT_REPORT_ACTION} open: otherwise an account admin keeps the fallback user off new nodes, or no node is ` +
    "ever counted as having it.",
  enforcementLevel: "mandatory",
  validateStack: onGuardrails((statements, _config, reportViolation) => {
    const managers = writerManagers(statements);
    const onlyManagers = (s: Statement) =>
      exemptionsOf(s).every((e) => managers.some((manager) => patternWithin(e.pattern, manager)));
    const open = ASSOCIATION_WRITE_ACTIONS.filter(
      (action) =>
        !denies(statements, action, ASSOCIATION_ARN_PATTERN).some((s) => onTagged(s) && onlyManagers(s)),
    );
    if (open.length > 0) {
      reportViolation(
        `No Deny of ${open.join(", ")} on ${ASSOCIATION_ARN_PATTERN} under Null ${TAG_CONDITION_KEY} ` +
          `false, exempting no one but the writer's managers (${managers.join(", ")}): an account admin could change or delete the ` +
          "fallback-user association, and new nodes would never get the user.",
      );
    }
    // A Deny that holds the managers too: CloudFormation could not update or delete the association, and the
    // writer could not put it back.
    for (const s of denies(statements, "ssm:UpdateAssociation", ASSOCIATION_ARN_PATTERN) as ScpStatement[]) {
      const missing = managers.filter((manager) => !exemptsPattern(exemptionsOf(s), manager));
      if (missing.length > 0) {
        reportViolation(
          `${s.where} denies ssm:UpdateAssociation on associations without exempting ${missing.join(", ")}: ` +
            "CloudFormation could not update or delete the fallback-user association, nor the writer put it back.",
        );
      }
    }
    const agentDenied = denies(statements, AGENT_REPORT_ACTION, ASSOCIATION_ARN_PATTERN) as ScpStatement[];
    if (agentDenied.length > 0) {
      reportViolation(
        `${agentDenied.map((s) => s.where).join("; ")} denies ${AGENT_REPORT_ACTION} on ` +
          "associations: the SSM Agent reports each run of the fallback-user association with it, so no node " +
          "would ever count as having the user.",
      );
    }
  }),
};
