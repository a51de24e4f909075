// Pure helpers over the CloudFormation template the RunShell StackSet deploys.
import { RUN_AS_DEFAULT_USER_PROPERTY, RUN_AS_ENABLED_PROPERTY } from "./rules/names";

export interface TemplateResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
}

export interface Template {
  parameters: Record<string, { Default?: unknown; AllowedValues?: unknown[] }>;
  resources: TemplateResource[];
}

/** Parses a `templateBody` (JSON text, or an object). Throws when it is not a JSON template. */
export function parseTemplate(body: unknown): Template {
  const document = typeof body === "string" ? JSON.parse(body) : body;
  if (document === null || typeof document !== "object") throw new Error("not a JSON object");
  const { Parameters, Resources } = document as { Parameters?: unknown; Resources?: unknown };
  if (Resources === null || typeof Resources !== "object") throw new Error("has no Resources");
  return {
    parameters: (Parameters ?? {}) as Template["parameters"],
    resources: Object.entries(Resources as Record<string, unknown>).map(([logicalId, value]) => {
      const resource = (value ?? {}) as { Type?: unknown; Properties?: unknown };
      return {
        logicalId,
        type: String(resource.Type ?? ""),
        properties: (resource.Properties ?? {}) as Record<string, unknown>,
      };
    }),
  };
}

function isCustomResource(type: string): boolean {
  return type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource";
}

/** The writer: a custom resource that carries RunAsEnabled or RunAsDefaultUser. */
export function writerResources(template: Template): TemplateResource[] {
  return template.resources.filter(
    ({ type, properties }) =>
      isCustomResource(type) &&
      (RUN_AS_ENABLED_PROPERTY in properties || RUN_AS_DEFAULT_USER_PROPERTY in properties),
  );
}

export type Resolved = { ok: true; value: unknown; parameter?: string } | { ok: false; reason: string };

/**
 * The value a property takes when the stack is created: a literal, or a `{"Ref": Parameter}` resolved
 * against the StackSet's parameter values, then the parameter's Default. Other intrinsics are not resolved.
 */
export function resolveValue(
  value: unknown,
  template: Template,
  parameterValues: Record<string, unknown> = {},
): Resolved {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: true, value };
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "Ref") {
    const parameter = String((value as { Ref: unknown }).Ref);
    const declared = template.parameters[parameter];
    if (!declared) return { ok: false, reason: `refers to ${parameter}, which is not a template parameter` };
    if (parameter in parameterValues) return { ok: true, value: parameterValues[parameter], parameter };
    if (declared.Default !== undefined) return { ok: true, value: declared.Default, parameter };
    return { ok: false, reason: `refers to parameter ${parameter}, which has no value and no Default` };
  }
  return { ok: false, reason: `uses ${keys.join(", ")}, which the pack cannot evaluate` };
}

/** CloudFormation passes custom resource properties as strings; a boolean true is accepted too. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

const LAMBDA_FUNCTION_TYPES = ["AWS::Lambda::Function", "AWS::Serverless::Function"];

/** `[logicalId, runtime]` of every Lambda function in the template. */
export function lambdaRuntimes(template: Template): [string, unknown][] {
  return template.resources
    .filter(({ type }) => LAMBDA_FUNCTION_TYPES.includes(type))
    .map(({ logicalId, properties }) => [logicalId, properties.Runtime]);
}
