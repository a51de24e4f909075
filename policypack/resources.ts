// Recognising the pieces of an ssm-runas-sync stack among the resources the engine reports.
import {
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  WRITER_FUNCTION_NAME,
} from "./rules/names";
import { COMPONENT_TYPES, TYPES } from "./rules/types";
import { parseTemplate, writerResources, type Template } from "./template";

export type Props = Record<string, unknown>;

/** An Organizations policy of type SERVICE_CONTROL_POLICY (the provider's default type). */
export function isScp(type: string, props: Props): boolean {
  return (
    type === TYPES.organizationsPolicy &&
    (props.type === undefined || props.type === null || props.type === "SERVICE_CONTROL_POLICY")
  );
}

export function contentText(content: unknown): string {
  return typeof content === "string" ? content : JSON.stringify(content ?? "");
}

/**
 * A service control policy as the checks read it: an Organizations policy, or one policy file of the guardrail's
 * Landing Zone Accelerator export. `label` prefixes a message about a policy inside an export.
 */
export interface ScpDocument {
  name: unknown;
  content: unknown;
  label: string;
}

export function isLzaRunShellExport(type: string): boolean {
  return type === COMPONENT_TYPES.lzaRunShellExport;
}

export function isLzaGuardrailExport(type: string): boolean {
  return type === COMPONENT_TYPES.lzaGuardrailExport;
}

export function objectList(value: unknown): Props[] {
  return Array.isArray(value) ? value.map(stringMap) : [];
}

/** `[{name, value}]` → `{name: value}`: an LZA StackSet entry's parameters, as its template resolves them. */
export function lzaParameterValues(parameters: unknown): Record<string, unknown> {
  return Object.fromEntries(objectList(parameters).map(({ name, value }) => [String(name), value]));
}

/** The SCPs a resource carries: one for an Organizations SCP, each policy file for the guardrail's LZA export. */
export function scpDocumentsOf(type: string, props: Props): ScpDocument[] {
  if (isScp(type, props)) return [{ name: props.name, content: props.content, label: "" }];
  if (!isLzaGuardrailExport(type)) return [];
  return objectList(props.policies).map(({ name, content }) => ({
    name,
    content,
    label: `LZA export ${String(name)}: `,
  }));
}

/**
 * The RunShell guardrail: the document and its writer. By name, or any SCP whose document names the RunShell
 * document or the writer, but for the session guardrail.
 */
export function isRunShellScpDocument({ name, content }: ScpDocument): boolean {
  if (name === SESSION_GUARDRAIL_POLICY_NAME) return false;
  if (name === RUNSHELL_GUARDRAIL_POLICY_NAME) return true;
  const text = contentText(content);
  return text.includes(RUN_SHELL_DOCUMENT_NAME) || text.includes(WRITER_FUNCTION_NAME);
}

/** The session guardrail: which document, tag and region a session may use, and the delegated admins. */
export function isSessionScpDocument({ name }: ScpDocument): boolean {
  return name === SESSION_GUARDRAIL_POLICY_NAME;
}

export function isRunShellScp(type: string, props: Props): boolean {
  return isScp(type, props) && isRunShellScpDocument({ name: props.name, content: props.content, label: "" });
}

export function isSessionScp(type: string, props: Props): boolean {
  return isScp(type, props) && props.name === SESSION_GUARDRAIL_POLICY_NAME;
}

export function templateOf(props: Props): Template | undefined {
  try {
    return parseTemplate(props.templateBody);
  } catch {
    return undefined;
  }
}

/** The RunShell StackSet: the one with the fixed name, or any StackSet whose template carries the writer. */
export function isRunShellStackSet(type: string, props: Props): boolean {
  if (type !== TYPES.stackSet) return false;
  if (props.name === RUNSHELL_STACKSET_NAME) return true;
  const template = templateOf(props);
  return template !== undefined && writerResources(template).length > 0;
}

export function isAbacConfiguration(type: string): boolean {
  return type === TYPES.nativeAbac || type === TYPES.classicAbac;
}

export function stringMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
