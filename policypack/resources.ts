// Recognising the pieces of an ssm-runas-sync stack among the resources the engine reports.
import {
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  WRITER_FUNCTION_NAME,
} from "./rules/names";
import { TYPES } from "./rules/types";
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
 * The RunShell SCP: the document and its writer. By name, or any SCP whose document names the RunShell document
 * or the writer, but for the session guardrail.
 */
export function isRunShellScp(type: string, props: Props): boolean {
  if (!isScp(type, props) || props.name === SESSION_GUARDRAIL_POLICY_NAME) return false;
  if (props.name === RUNSHELL_GUARDRAIL_POLICY_NAME) return true;
  const text = contentText(props.content);
  return text.includes(RUN_SHELL_DOCUMENT_NAME) || text.includes(WRITER_FUNCTION_NAME);
}

/** The session guardrail: which document, tag and region a session may use, and the delegated admins. */
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
