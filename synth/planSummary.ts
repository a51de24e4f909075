// The plan in five lines, for synth's stdout and the head of plan.md: how many of each thing, and where. Pure.
import type { Plan } from "./plan";

const NONE = "none declared";

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const distinct = (values: string[]) => [...new Set(values)].sort();

function instancesLine(plan: Plan): string {
  const instances = plan.stackSetInstances;
  if (instances.length === 0) return NONE;
  const targets = distinct(instances.map((i) => i.target)).length;
  const regions = distinct(instances.map((i) => i.region)).length;
  const users = distinct(instances.map((i) => i.fallbackUser));
  return (
    `${instances.length} (${counted(targets, "target", "targets")} × ${counted(regions, "region", "regions")}), ` +
    `${users.length === 1 ? "fallback user" : "fallback users"} ${users.join(", ")}`
  );
}

function attachmentsLine(plan: Plan): string {
  const attachments = plan.scpAttachments;
  if (attachments.length === 0) return NONE;
  const policies = distinct(attachments.map((a) => a.policy)).length;
  const targets = distinct(attachments.map((a) => a.target)).length;
  return `${attachments.length} (${counted(policies, "policy", "policies")} × ${counted(targets, "target", "targets")})`;
}

function managementLine(plan: Plan): string {
  const stacks = plan.managementStacks;
  if (stacks.length === 0) return NONE;
  return `${stacks.length} (${stacks.map((s) => s.region ?? "the default region").join(", ")})`;
}

function exemptLine(plan: Plan): string {
  if (plan.scps.length === 0) return `${NONE} (no SCP)`;
  const principals = distinct(plan.exemptions.map((e) => e.principal)).length;
  const statements = distinct(plan.exemptions.map((e) => `${e.policy}/${e.statement}`)).length;
  return (
    `${counted(principals, "principal pattern", "principal patterns")}, named in ` +
    `${counted(statements, "statement", "statements")} of ${counted(plan.scps.length, "SCP", "SCPs")}`
  );
}

function writerLine(plan: Plan): string {
  if (plan.writers.length === 0) return NONE;
  const writers = plan.writers
    .map(
      (w) =>
        `${w.runtime}, code sha256 ${w.codeSha256}, fallback-user association ` +
        (w.fallbackUserAssociationSha256 ? `sha256 ${w.fallbackUserAssociationSha256}` : "none"),
    )
    .join("; ");
  return `RunAs ${plan.runAs}, ${writers}`;
}

/** The five `[label, value]` pairs of the summary. */
export function planSummaryEntries(plan: Plan): [string, string][] {
  return [
    ["StackSet instances", instancesLine(plan)],
    ["SCP attachments", attachmentsLine(plan)],
    ["management stacks", managementLine(plan)],
    ["exempt principals", exemptLine(plan)],
    ["writer", writerLine(plan)],
  ];
}

/** Exactly five lines, each `label: value`, values aligned. */
export function planSummary(plan: Plan): string[] {
  const entries = planSummaryEntries(plan);
  const width = Math.max(...entries.map(([label]) => label.length)) + 1;
  return entries.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
}
