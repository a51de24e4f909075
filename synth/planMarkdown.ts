// plan.md: the plan as a reviewer reads it, one table row per instance, attachment, SCP statement and exemption,
// so that `diff -u` of two plans (what a pull request shows) names exactly what changed. Pure.
import type { Plan, PlanCondition, PlanExemption, PlanMatch } from "./plan";
import { planSummaryEntries } from "./planSummary";
import { READ_ACTIONS } from "../policypack/rules/scpActions";

const NONE = "None declared.";

/** A code span; a `|` would end the table cell even inside one. */
function code(value: string): string {
  return `\`${value.replace(/\|/g, "\\|")}\``;
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [NONE];
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

const READS = [...READ_ACTIONS].sort().join(" ");

/** Whether a `NotAction` list is exactly the reads the guardrail leaves open (spelled out once, under the table). */
function isReads(values: string[]): boolean {
  return [...values].sort().join(" ") === READS;
}

function match({ not, values }: PlanMatch): string {
  if (not && isReads(values)) return "every action but reads";
  const listed = values.map(code).join(", ");
  return not ? `everything but ${listed}` : listed;
}

function conditions(list: PlanCondition[]): string {
  if (list.length === 0) return "always";
  return list
    .map(({ operator, key, values }) => `${operator} ${code(key)} ${values.map(code).join(", ")}`)
    .join("; ");
}

/** The line that spells out "reads", under a table that used the word. */
function readsNote(matches: PlanMatch[]): string[] {
  return matches.some((m) => m.not && isReads(m.values))
    ? ["", `Reads: ${READ_ACTIONS.map(code).join(", ")}.`]
    : [];
}

function principal(exemption: PlanExemption): string {
  return exemption.known ? `${code(exemption.principal)} (${exemption.known})` : code(exemption.principal);
}

function runAsLine(plan: Plan): string {
  switch (plan.runAs) {
    case "on":
      return "RunAs: **on**: the writer sets `runAsEnabled: true` everywhere it runs.";
    case "off":
      return "RunAs: **off** (break-glass): the writer sets `runAsEnabled: false` everywhere it runs.";
    case "mixed":
      return "RunAs: **mixed**: the writers' parameters disagree on `RunAsEnabled`.";
    default:
      return "RunAs: no writer declared.";
  }
}

function statementsSection(plan: Plan): string[] {
  if (plan.scps.length === 0) return [NONE];
  return [
    "Every statement of each rendered SCP, one row each, in the order of the policy's text, each list's values " +
      "sorted (IAM reads them as sets): a change to what an SCP says changes its row here, and the policy's " +
      "SHA-256 below (of its JSON with each list sorted) changes with anything else in its text.",
    "",
    ...table(
      ["statement", "effect", "actions", "resources", "conditions"],
      plan.statements.map((s) => [
        `${code(s.policy)} ${code(s.statement)}`,
        s.effect,
        match(s.actions),
        match(s.resources),
        conditions(s.conditions),
      ]),
    ),
    ...readsNote(plan.statements.map((s) => s.actions)),
    "",
    ...table(
      ["policy", "characters", "SHA-256 (lists sorted)"],
      plan.scpDocuments.map((d) => [code(d.policy), String(d.characters), code(d.sha256)]),
    ),
  ];
}

function exemptionsSection(plan: Plan): string[] {
  if (plan.scps.length === 0) return [NONE];
  return [
    "Read from the SCP statements above, as the policy pack reads them: a Deny statement with `ArnNotLike`, " +
      "`ArnNotEquals`, `StringNotLike` or `StringNotEquals` (or its `IfExists` form) on `aws:PrincipalArn` does " +
      "not apply to the principals it lists. Each row is one such principal pattern and one statement: what it " +
      "may do there that every other principal is denied. Any other condition (on `aws:PrincipalTag`, say) " +
      "narrows whom a statement denies without naming a principal: the statements table shows it.",
    "",
    ...table(
      ["principal", "exempt by", "statement", "may", "on", "where"],
      plan.exemptions.map((e) => [
        principal(e),
        e.operator,
        `${code(e.policy)} ${code(e.statement)}`,
        match(e.actions),
        match(e.resources),
        conditions(e.conditions),
      ]),
    ),
    ...readsNote(plan.exemptions.map((e) => e.actions)),
  ];
}

function abacSection(plan: Plan): string[] {
  const { abac } = plan;
  if (!abac) return [NONE];
  return [
    `Identity Center instance ${code(abac.instanceArn)}; the configuration is ` +
      (abac.imported
        ? "**imported** (adopts the one made in the console; the list must equal the live one)."
        : "**created** by the first `pulumi up`."),
    "",
    ...table(
      ["key", "source"],
      abac.attributes.map((a) => [code(a.key), code(a.source)]),
    ),
  ];
}

/** The whole of plan.md. */
export function renderPlanMarkdown(plan: Plan): string {
  const lines = [
    `# Deployment plan: stack ${code(plan.stack)}`,
    "",
    "What `pulumi up` would deploy, read from the resources the program declares and the SCPs it renders.",
    "",
    runAsLine(plan),
    "",
    ...planSummaryEntries(plan).map(([label, value]) => `- ${label}: ${value}`),
    "",
    "## ABAC attributes",
    "",
    ...abacSection(plan),
    "",
    "## StackSet instances",
    "",
    "Each instance puts the writer into every account under the target, in one region.",
    "",
    ...table(
      ["target", "region", "fallback user", "StackSet", "delivered by"],
      plan.stackSetInstances.map((i) => [
        code(i.target),
        code(i.region),
        code(i.fallbackUser),
        code(i.stackSet),
        i.deliveredBy,
      ]),
    ),
    "",
    "## SCP attachments",
    "",
    ...table(
      ["policy", "target", "delivered by"],
      plan.scpAttachments.map((a) => [code(a.policy), code(a.target), a.deliveredBy]),
    ),
    "",
    "## Management-account stacks",
    "",
    ...table(
      ["stack", "region", "fallback user"],
      plan.managementStacks.map((s) => [
        code(s.name),
        s.region ? code(s.region) : "the default region",
        code(s.fallbackUser),
      ]),
    ),
    "",
    "## SCP statements",
    "",
    ...statementsSection(plan),
    "",
    "## Exempt principals",
    "",
    ...exemptionsSection(plan),
    "",
    "## Writer",
    "",
    ...table(
      ["runtime", "code SHA-256 (`Code.ZipFile`)", "fallback-user association SHA-256", "deployed by"],
      plan.writers.map((w) => [
        code(w.runtime),
        code(w.codeSha256),
        w.fallbackUserAssociationSha256 ? code(w.fallbackUserAssociationSha256) : "none",
        w.carriers.join(", "),
      ]),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
