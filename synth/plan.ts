// The deployment plan a reviewer reads before `pulumi up`: where the writer goes and with which fallback user,
// where the SCPs attach, every statement they hold and whom they exempt from what, which code the writer runs.
// Built from the resources the program declared (and the SCP text it rendered), not from the config, so it shows
// what would be deployed. Every list has a fixed order, so that the diff of two plans is exactly what changed.
// Pure.
import { createHash } from "node:crypto";
import {
  declaredPolicyAttachments,
  declaredStackSetInstances,
  declaredStackSets,
  lzaGuardrailExportInputsOf,
  lzaRunShellExportInputsOf,
  serviceControlPolicies,
  type DeclaredScp,
} from "./declared";
import type { DeclaredResource } from "./mockRuntime";
import {
  conditionEntries,
  exemptionsOf as statementExemptions,
  isExemptionCondition,
  parsePolicyDocument,
  type Statement,
} from "../policypack/iam";
import {
  IDENTITY_CENTER_ROLE_ARN_PATTERN,
  LZA_DEPLOY_PRINCIPALS,
  LZA_EXCEPTION_PRINCIPALS,
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUN_AS_ENABLED_PARAMETER,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_ROLE_ARN_PATTERN,
} from "../policypack/rules/names";
import { TYPES } from "../policypack/rules/types";

/** Who deploys a row: this program, or Landing Zone Accelerator from the exported configuration. */
export type Delivery = "Pulumi" | "LZA";

export interface PlanAbac {
  instanceArn: string;
  /** Adopted with Pulumi's import (a configuration made in the console) rather than created. */
  imported: boolean;
  attributes: { key: string; source: string }[];
}

export interface PlanStackSetInstance {
  target: string;
  region: string;
  fallbackUser: string;
  stackSet: string;
  deliveredBy: Delivery;
}

export interface PlanScpAttachment {
  policy: string;
  target: string;
  deliveredBy: Delivery;
}

export interface PlanManagementStack {
  name: string;
  /** The region of the stack's explicit provider; undefined when it uses the program's default provider. */
  region?: string;
  fallbackUser: string;
}

/** A statement's `Action` (`not: false`) or `NotAction` (`not: true`), and likewise for resources. */
export interface PlanMatch {
  not: boolean;
  values: string[];
}

export interface PlanCondition {
  operator: string;
  key: string;
  values: string[];
}

/**
 * One statement of a rendered SCP, whole: any change to what the SCP's statements say changes one of these. Each
 * list's values are in code-unit order, since IAM reads them as sets: the order the config lists regions or
 * documents in changes the text but not what it denies.
 */
export interface PlanStatement {
  policy: string;
  /** Its `Sid`, or `statement <n>` (1-based, in the document's order) without one. */
  statement: string;
  effect: string;
  actions: PlanMatch;
  resources: PlanMatch;
  /** Every condition as written, the `aws:PrincipalArn` exemptions included. */
  conditions: PlanCondition[];
}

/** A rendered SCP's text as a whole: what changes it even where no statement shows it (its `Version`, say). */
export interface PlanScpDocument {
  policy: string;
  /** Of the text as rendered, against Organizations' limit. */
  characters: number;
  /** SHA-256 (hex) of the policy's JSON with each list of strings sorted, as UTF-8: order-blind, as IAM is. */
  sha256: string;
}

/** One Deny statement an exempt principal escapes: what it may do that others may not. */
export interface PlanExemption {
  principal: string;
  /** What the pattern is, when it is one of the project's fixed patterns. */
  known?: string;
  /** The condition operator that exempts it, e.g. `ArnNotLike` or `StringNotEqualsIfExists`. */
  operator: string;
  policy: string;
  statement: string;
  actions: PlanMatch;
  resources: PlanMatch;
  /** The statement's other conditions, all of which must hold for it to deny anyone. */
  conditions: PlanCondition[];
}

export interface PlanWriter {
  /** SHA-256 (hex) of the template's inline Lambda code, `Code.ZipFile`, as UTF-8. */
  codeSha256: string;
  runtime: string;
  /**
   * SHA-256 (hex) of the fallback-user association's properties as the template declares them (compact JSON,
   * its script included: it runs as root on every managed node), or null where the template has none.
   */
  fallbackUserAssociationSha256: string | null;
  /** What deploys this template, e.g. the StackSet and the management-account stacks. */
  carriers: string[];
}

export type RunAsState = "on" | "off" | "mixed" | "no writer declared";

export interface Plan {
  stack: string;
  /** What the writers set: `off` is the break-glass state; `mixed` when carriers disagree. */
  runAs: RunAsState;
  abac?: PlanAbac;
  /** The names of the SCPs whose text the statements and exemptions were read from. */
  scps: string[];
  scpDocuments: PlanScpDocument[];
  /** Every statement of every SCP: by policy name, then in the order of the policy's text. */
  statements: PlanStatement[];
  stackSetInstances: PlanStackSetInstance[];
  scpAttachments: PlanScpAttachment[];
  managementStacks: PlanManagementStack[];
  exemptions: PlanExemption[];
  writers: PlanWriter[];
}

/** Something that deploys the writer template: a StackSet, a management-account stack, an LZA entry. */
interface WriterCarrier {
  kind: string;
  templateBody: string;
  /** Each parameter set the template is deployed with (a StackSet's, and each instance's overrides on it). */
  parameterSets: Record<string, string>[];
}

interface TemplateJson {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources?: Record<
    string,
    { Type?: string; Properties?: { Runtime?: unknown; Code?: { ZipFile?: unknown } } }
  >;
}

const KNOWN_PRINCIPALS: Record<string, string> = {
  [WRITER_ROLE_ARN_PATTERN]: "the writer role",
  [STACKSET_EXECUTION_ROLE_ARN_PATTERN]: "service-managed StackSets' execution role",
  [IDENTITY_CENTER_ROLE_ARN_PATTERN]: "Identity Center's permission-set roles",
  ...Object.fromEntries(LZA_EXCEPTION_PRINCIPALS.map((arn) => [arn, "LZA's Session Manager settings role"])),
  ...Object.fromEntries(LZA_DEPLOY_PRINCIPALS.map((arn) => [arn, "LZA's pipeline role"])),
};

/** Plain code-unit order: the same on every machine, whatever its locale. */
function byKeys<T>(...keys: ((item: T) => string)[]) {
  return (a: T, b: T) => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

// --- what the program declares as Pulumi resources -------------------------------------------------------------

function pulumiStackSetInstances(resources: DeclaredResource[]): PlanStackSetInstance[] {
  const stackSets = declaredStackSets(resources);
  return declaredStackSetInstances(resources).flatMap((instance) => {
    const stackSet = stackSets.find((s) => s.name === instance.stackSetName) ?? stackSets[0];
    const fallbackUser =
      instance.parameterOverrides?.[RUN_AS_DEFAULT_USER_PARAMETER] ??
      stackSet?.parameters[RUN_AS_DEFAULT_USER_PARAMETER] ??
      "";
    return instance.deploymentTargets.organizationalUnitIds.map((target) => ({
      target,
      region: instance.stackSetInstanceRegion,
      fallbackUser,
      stackSet: instance.stackSetName,
      deliveredBy: "Pulumi" as const,
    }));
  });
}

function pulumiScpAttachments(resources: DeclaredResource[]): PlanScpAttachment[] {
  const scps = serviceControlPolicies(resources);
  return declaredPolicyAttachments(resources).map(({ policyId, targetId }) => ({
    policy: scps.find((scp) => scp.id === policyId)?.name ?? policyId,
    target: targetId,
    deliveredBy: "Pulumi" as const,
  }));
}

function managementStackResources(resources: DeclaredResource[]): DeclaredResource[] {
  return resources.filter((r) => r.type === TYPES.stack);
}

function pulumiWriterCarriers(resources: DeclaredResource[]): WriterCarrier[] {
  const instances = declaredStackSetInstances(resources);
  return [
    ...declaredStackSets(resources).map((stackSet) => ({
      kind: `StackSet ${stackSet.name}`,
      templateBody: stackSet.templateBody,
      parameterSets: [
        stackSet.parameters,
        ...instances
          .filter((i) => i.stackSetName === stackSet.name && i.parameterOverrides !== undefined)
          .map((i) => ({ ...stackSet.parameters, ...i.parameterOverrides })),
      ],
    })),
    ...managementStackResources(resources).map(({ inputs }) => ({
      kind: "management-account stacks",
      templateBody: String(inputs.templateBody),
      parameterSets: [(inputs.parameters ?? {}) as Record<string, string>],
    })),
  ];
}

// --- what the program exports for Landing Zone Accelerator to deploy (runShellOwner / guardrailOwner lza) -------

const parameterMap = (parameters: { name: string; value: string }[]) =>
  Object.fromEntries(parameters.map(({ name, value }) => [name, value]));

function lzaStackSetInstances(resources: DeclaredResource[]): PlanStackSetInstance[] {
  const entries = lzaRunShellExportInputsOf(resources)?.cloudFormationStackSets ?? [];
  return entries.flatMap((entry) =>
    entry.deploymentTargets.organizationalUnits.flatMap((target) =>
      entry.regions.map((region) => ({
        target,
        region,
        fallbackUser: parameterMap(entry.parameters)[RUN_AS_DEFAULT_USER_PARAMETER] ?? "",
        stackSet: entry.name,
        deliveredBy: "LZA" as const,
      })),
    ),
  );
}

function lzaScpAttachments(resources: DeclaredResource[]): PlanScpAttachment[] {
  const entries = lzaGuardrailExportInputsOf(resources)?.serviceControlPolicies ?? [];
  return entries.flatMap((entry) =>
    entry.deploymentTargets.organizationalUnits.map((target) => ({
      policy: entry.name,
      target,
      deliveredBy: "LZA" as const,
    })),
  );
}

function lzaScps(resources: DeclaredResource[]): DeclaredScp[] {
  const exported = lzaGuardrailExportInputsOf(resources);
  return (exported?.policies ?? []).map(({ name, content }) => ({
    name,
    description: exported?.serviceControlPolicies.find((entry) => entry.name === name)?.description ?? "",
    content,
  }));
}

function lzaWriterCarriers(resources: DeclaredResource[]): WriterCarrier[] {
  const exported = lzaRunShellExportInputsOf(resources);
  if (!exported) return [];
  return [
    {
      kind: "LZA StackSet entries",
      templateBody: exported.templateBody,
      parameterSets: exported.cloudFormationStackSets.map((entry) => parameterMap(entry.parameters)),
    },
  ];
}

// Each list of the plan is the union of its readers: what Pulumi deploys, and what it exports for LZA to deploy
// (rows marked `deliveredBy: "LZA"`); sorting, rendering and the summary are the same for both.
type Reader<T> = (resources: DeclaredResource[]) => T[];
const INSTANCE_READERS: Reader<PlanStackSetInstance>[] = [pulumiStackSetInstances, lzaStackSetInstances];
const ATTACHMENT_READERS: Reader<PlanScpAttachment>[] = [pulumiScpAttachments, lzaScpAttachments];
const SCP_READERS: Reader<DeclaredScp>[] = [serviceControlPolicies, lzaScps];
const WRITER_CARRIER_READERS: Reader<WriterCarrier>[] = [pulumiWriterCarriers, lzaWriterCarriers];

// --- the plan's parts ---------------------------------------------------------------------------------------

function abacOf(resources: DeclaredResource[]): PlanAbac | undefined {
  const abac = resources.find((r) => r.type === TYPES.nativeAbac);
  if (!abac) return undefined;
  const inputs = abac.inputs as {
    instanceArn: string;
    accessControlAttributes: { key: string; value: { source: string[] } }[];
  };
  return {
    instanceArn: inputs.instanceArn,
    imported: abac.importId !== undefined,
    // As declared: the list is sent whole, in this order.
    attributes: inputs.accessControlAttributes.map(({ key, value }) => ({
      key,
      source: value.source.join(", "),
    })),
  };
}

function managementStacksOf(resources: DeclaredResource[]): PlanManagementStack[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return managementStackResources(resources)
    .map(({ inputs, provider }) => {
      // A provider reference is `<urn>::<id>`, and a URN holds `::` itself.
      const providerResource = provider
        ? byUrn.get(provider.slice(0, provider.lastIndexOf("::")))
        : undefined;
      const region = providerResource?.inputs.region;
      const parameters = (inputs.parameters ?? {}) as Record<string, string>;
      return {
        name: String(inputs.name),
        region: typeof region === "string" ? region : undefined,
        fallbackUser: parameters[RUN_AS_DEFAULT_USER_PARAMETER] ?? "",
      };
    })
    .sort(
      byKeys(
        (s) => s.region ?? "",
        (s) => s.name,
      ),
    );
}

/** An SCP's statements, each with the name the plan gives it. */
function statementsOf(scp: DeclaredScp): { name: string; statement: Statement }[] {
  return parsePolicyDocument(scp.content).map((statement, index) => ({
    name: statement.sid ?? `statement ${index + 1}`,
    statement,
  }));
}

function actionsOf(statement: Statement): PlanMatch {
  return statement.notActions
    ? { not: true, values: statement.notActions }
    : { not: false, values: statement.actions ?? [] };
}

function resourcesOf(statement: Statement): PlanMatch {
  return statement.notResources
    ? { not: true, values: statement.notResources }
    : { not: false, values: statement.resources ?? [] };
}

const conditionOf = ({ operator, key, values }: PlanCondition): PlanCondition => ({ operator, key, values });

const sorted = (values: string[]) => [...values].sort();
const sortedMatch = ({ not, values }: PlanMatch): PlanMatch => ({ not, values: sorted(values) });

function planStatementsOf(scp: DeclaredScp): PlanStatement[] {
  return statementsOf(scp).map(({ name, statement }) => ({
    policy: scp.name,
    statement: name,
    effect: statement.effect,
    actions: sortedMatch(actionsOf(statement)),
    resources: sortedMatch(resourcesOf(statement)),
    conditions: conditionEntries(statement).map(({ operator, key, values }) => ({
      operator,
      key,
      values: sorted(values),
    })),
  }));
}

/** The JSON with every list of strings sorted; objects and lists of objects (statements) keep their order. */
function orderBlind(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.every((item) => typeof item === "string")
      ? sorted(value as string[])
      : value.map(orderBlind);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, orderBlind(item)]));
  }
  return value;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function scpDocumentOf(scp: DeclaredScp): PlanScpDocument {
  const canonical = JSON.stringify(orderBlind(JSON.parse(scp.content)));
  return {
    policy: scp.name,
    characters: scp.content.length,
    sha256: sha256(canonical),
  };
}

// Whom a Deny exempts is the pack's reading (policypack/iam.ts), so that the plan and the policies that judge
// the SCPs cannot disagree on it.
function exemptionsOf(scp: DeclaredScp): PlanExemption[] {
  return statementsOf(scp).flatMap(({ name, statement }) => {
    if (statement.effect !== "Deny") return [];
    const conditions = conditionEntries(statement)
      .filter((entry) => !isExemptionCondition(entry))
      .map(conditionOf);
    const seen = new Set<string>();
    return statementExemptions(statement).flatMap(({ pattern, operator }) => {
      const id = `${operator} ${pattern}`;
      if (seen.has(id)) return [];
      seen.add(id);
      return [
        {
          principal: pattern,
          known: KNOWN_PRINCIPALS[pattern],
          operator,
          policy: scp.name,
          statement: name,
          actions: actionsOf(statement),
          resources: resourcesOf(statement),
          conditions,
        },
      ];
    });
  });
}

function codeOf(templateBody: string): Omit<PlanWriter, "carriers">[] {
  const template = JSON.parse(templateBody) as TemplateJson;
  const resources = Object.values(template.Resources ?? {});
  const association = resources.find((r) => r.Type === "AWS::SSM::Association");
  const fallbackUserAssociationSha256 = association
    ? sha256(JSON.stringify(association.Properties ?? {}))
    : null;
  return resources
    .filter((r) => r.Type === "AWS::Lambda::Function" && typeof r.Properties?.Code?.ZipFile === "string")
    .map((r) => ({
      codeSha256: sha256(String(r.Properties?.Code?.ZipFile)),
      runtime: String(r.Properties?.Runtime),
      fallbackUserAssociationSha256,
    }));
}

function writersOf(carriers: WriterCarrier[]): PlanWriter[] {
  const writers = new Map<string, PlanWriter>();
  for (const carrier of carriers) {
    for (const code of codeOf(carrier.templateBody)) {
      const key = `${code.codeSha256} ${code.runtime} ${code.fallbackUserAssociationSha256}`;
      const writer = writers.get(key) ?? { ...code, carriers: [] };
      if (!writer.carriers.includes(carrier.kind)) writer.carriers.push(carrier.kind);
      writers.set(key, writer);
    }
  }
  return [...writers.values()]
    .map((writer) => ({ ...writer, carriers: writer.carriers.sort() }))
    .sort(
      byKeys(
        (w) => w.runtime,
        (w) => w.codeSha256,
      ),
    );
}

/**
 * What the writers set. A parameter set without `RunAsEnabled` takes the template's default; a template without
 * the parameter at all predates the break-glass switch and always turns RunAs on.
 */
function runAsOf(carriers: WriterCarrier[]): RunAsState {
  const values = new Set<string>();
  for (const carrier of carriers) {
    const template = JSON.parse(carrier.templateBody) as TemplateJson;
    const fallback = template.Parameters?.[RUN_AS_ENABLED_PARAMETER]?.Default;
    for (const parameters of carrier.parameterSets) {
      values.add(String(parameters[RUN_AS_ENABLED_PARAMETER] ?? fallback ?? "true"));
    }
  }
  if (values.size === 0) return "no writer declared";
  if (values.size > 1) return "mixed";
  return values.has("false") ? "off" : "on";
}

/** The plan of the stack `stack`, from the resources its program declared on the mock runtime. */
export function buildPlan(resources: DeclaredResource[], stack: string): Plan {
  const carriers = WRITER_CARRIER_READERS.flatMap((read) => read(resources));
  const scps = SCP_READERS.flatMap((read) => read(resources)).sort(byKeys((scp) => scp.name));
  return {
    stack,
    runAs: runAsOf(carriers),
    abac: abacOf(resources),
    scps: scps.map((scp) => scp.name),
    scpDocuments: scps.map(scpDocumentOf),
    statements: scps.flatMap(planStatementsOf),
    stackSetInstances: INSTANCE_READERS.flatMap((read) => read(resources)).sort(
      byKeys(
        (i) => i.target,
        (i) => i.region,
        (i) => i.stackSet,
        (i) => i.fallbackUser,
        (i) => i.deliveredBy,
      ),
    ),
    scpAttachments: ATTACHMENT_READERS.flatMap((read) => read(resources)).sort(
      byKeys(
        (a) => a.policy,
        (a) => a.target,
        (a) => a.deliveredBy,
      ),
    ),
    managementStacks: managementStacksOf(resources),
    exemptions: scps
      .flatMap(exemptionsOf)
      // Stable: within one principal and policy, the statements keep the document's order.
      .sort(
        byKeys(
          (e) => e.principal,
          (e) => e.policy,
        ),
      ),
    writers: writersOf(carriers),
  };
}
