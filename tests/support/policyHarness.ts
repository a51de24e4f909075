// Runs single policies of the pack the way the policy host calls them (synth/policyReport.ts builds the
// argument bags), over resources of the real program on Pulumi's mock runtime or made by hand.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { declareStack } from "../../program";
import { parseStackConfig, type RawStackConfig } from "../../config/schema";
import { runOnMocks, type DeclaredResource } from "../../synth/mockRuntime";
import {
  NotApplicableError,
  policyResources,
  resourceValidationArgs,
  stackTagsFor,
  stackValidationArgs,
} from "../../synth/policyArgs";
import { resolvePolicyConfig, type PolicyPackConfig } from "../../synth/policyConfig";
import { exampleRawConfig } from "./exampleStacks";
import { MANAGEMENT_PROVIDER_ARGS } from "./runShell";

export const PROJECT = "ssm-runas-sync";

export interface Outcome {
  messages: string[];
  /** Set when the policy called args.notApplicable(reason). */
  notApplicable?: string;
}

function collect(run: (report: (message: string) => void) => unknown): Promise<Outcome> {
  const messages: string[] = [];
  return Promise.resolve()
    .then(() => run((message) => messages.push(message)))
    .then(
      () => ({ messages }),
      (err: unknown) => {
        if (err instanceof NotApplicableError) return { messages, notApplicable: err.message };
        throw err;
      },
    );
}

/** Calls each of the policy's validateResource functions on one resource with a violation collector. */
export function validateResource(
  policy: ResourceValidationPolicy,
  resource: DeclaredResource,
  config: PolicyPackConfig = {},
  stack = "test",
): Promise<Outcome> {
  const { properties } = resolvePolicyConfig(policy, config);
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  return collect(async (report) => {
    for (const validate of validations) {
      await validate(
        resourceValidationArgs(resource, () => ({ ...properties }), stackTagsFor(PROJECT, stack)),
        report,
      );
    }
  });
}

/** Calls the policy's validateStack on a set of resources with a violation collector. */
export function validateStack(
  policy: StackValidationPolicy,
  resources: readonly DeclaredResource[],
  options: { config?: PolicyPackConfig; project?: string; stack?: string } = {},
): Promise<Outcome> {
  const { properties } = resolvePolicyConfig(policy, options.config);
  const tags = stackTagsFor(options.project ?? PROJECT, options.stack ?? "test");
  return collect((report) =>
    policy.validateStack(
      stackValidationArgs(policyResources(resources), () => ({ ...properties }), tags),
      report,
    ),
  );
}

const programRuns = new Map<string, Promise<DeclaredResource[]>>();

/** The resources the real program declares for a raw stack config, on the mock runtime. */
export async function programResourcesFor(raw: RawStackConfig, stack = "test"): Promise<DeclaredResource[]> {
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const run = await runOnMocks(
    () => declareStack(parsed.config, { managementProviderArgs: MANAGEMENT_PROVIDER_ARGS }),
    {
      stack,
      config: {},
    },
  );
  return run.resources;
}

/** The resources the real program declares for an example stack (dev, prod), computed once per stack. */
export function exampleResources(stack: string): Promise<DeclaredResource[]> {
  let run = programRuns.get(stack);
  if (!run) {
    run = programResourcesFor(exampleRawConfig(stack), stack);
    programRuns.set(stack, run);
  }
  return run;
}

/** The one resource of `type` (and matching `where`) among `resources`; fails loudly otherwise. */
export function only(
  resources: readonly DeclaredResource[],
  type: string,
  where: (r: DeclaredResource) => boolean = () => true,
): DeclaredResource {
  const found = resources.filter((r) => r.type === type && where(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** A resource declared by hand, as the mock runtime would record it. */
export function declared(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<DeclaredResource> = {},
): DeclaredResource {
  return {
    urn: `urn:pulumi:test::${PROJECT}::${type}::${name}`,
    type,
    name,
    custom: true,
    parent: "",
    inputs,
    id: `${name}-id`,
    protect: false,
    retainOnDelete: false,
    ...extra,
  };
}

/** A deep copy of `resource` with its inputs changed by `change`. */
export function withInputs(
  resource: DeclaredResource,
  change: (inputs: Record<string, unknown>) => void,
): DeclaredResource {
  const inputs = JSON.parse(JSON.stringify(resource.inputs)) as Record<string, unknown>;
  change(inputs);
  return { ...resource, inputs };
}

export interface ScpStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A copy of an SCP resource whose document `change` rewrites (content stays minified JSON). */
export function withScpStatements(
  scp: DeclaredResource,
  change: (statements: ScpStatement[]) => ScpStatement[] | void,
): DeclaredResource {
  return withInputs(scp, (inputs) => {
    const document = JSON.parse(String(inputs.content)) as { Statement: ScpStatement[] };
    document.Statement = change(document.Statement) ?? document.Statement;
    inputs.content = JSON.stringify(document);
  });
}

/** A copy of a StackSet (or Stack) resource whose template `change` rewrites. */
export interface TemplateShape {
  Parameters: Record<string, Record<string, unknown>>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

export function withTemplate(
  resource: DeclaredResource,
  change: (template: TemplateShape) => void,
): DeclaredResource {
  return withInputs(resource, (inputs) => {
    const template = JSON.parse(String(inputs.templateBody));
    change(template);
    inputs.templateBody = JSON.stringify(template);
  });
}

const SCP_TYPE = "aws:organizations/policy:Policy";

/** The SCP named `name` (AWS Organizations' policy name) among `resources`. */
export function scpNamed(resources: readonly DeclaredResource[], name: string): DeclaredResource {
  return only(resources, SCP_TYPE, (r) => r.inputs.name === name);
}

/** `resources` with the SCP named `name` rewritten by `change` (see withScpStatements). */
export function withGuardrailStatements(
  resources: readonly DeclaredResource[],
  name: string,
  change: (statements: ScpStatement[]) => ScpStatement[] | void,
): DeclaredResource[] {
  const scp = scpNamed(resources, name);
  const changed = withScpStatements(scp, change);
  return resources.map((r) => (r === scp ? changed : r));
}

/** The statement with Sid `sid`; fails loudly when there is none. */
export function statementWithSid(statements: ScpStatement[], sid: string): ScpStatement {
  const found = statements.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}
