//! The writer's inputs — custom-resource properties or environment variables, strings either way — checked
//! before anything is read or written. Pure.
import { ON_DELETE_VALUES, SESSION_USER_PATTERN, type OnDelete } from "../policypack/rules/values";
import type { RunAs } from "./document";

const BOOLEAN_PATTERN = /^(true|false)$/;
const ON_DELETE_PATTERN = new RegExp(`^(${ON_DELETE_VALUES.join("|")})$`);

export interface DesiredRunAs extends RunAs {
  runAsEnabled: boolean;
  runAsDefaultUser: string;
}

/** `source[key]` when it is a string matching `pattern`; otherwise throws one line naming key, rule and value. */
function checked(source: Record<string, unknown>, key: string, pattern: RegExp): string {
  const value = source[key];
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new Error(`${key} must match ${pattern.source}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function desiredRunAs(
  source: Record<string, unknown>,
  enabledKey: string,
  userKey: string,
): DesiredRunAs {
  return {
    runAsEnabled: checked(source, enabledKey, BOOLEAN_PATTERN) === "true",
    runAsDefaultUser: checked(source, userKey, SESSION_USER_PATTERN),
  };
}

export function onDeleteOf(source: Record<string, unknown>, key: string): OnDelete {
  return checked(source, key, ON_DELETE_PATTERN) as OnDelete;
}
