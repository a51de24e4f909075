// Pure: what an audit report says about the run as a whole — when, by whom, against which organisation and stack,
// with which tool, expecting what — in every format but the table (JSON `metadata`, CSV `# key: value` lines, the
// HTML header, the Markdown summary).
import { RUNSHELL_STACKSET_NAME } from "../policypack/rules/names";

/** Field order is the JSON contract (docs/operations.md). A type, not an interface: a report's metadata is any record. */
export type AuditMetadata = {
  /** ISO 8601, when the audit started. */
  generatedAt: string;
  /** The caller's ARN (GetCallerIdentity). */
  caller: string;
  organizationId: string | null;
  managementAccountId: string | null;
  /** --stack, or null with --expected-user. */
  stack: string | null;
  /** package.json's version. */
  toolVersion: string;
  /** The managed regions (--regions, or the stack's). */
  regions: readonly string[];
  /** Every fallback user some row expected, sorted. */
  expectedUsers: readonly string[];
  /** false: a break-glass audit, RunAs expected off everywhere. */
  expectedRunAsEnabled: boolean;
  stackSet: string;
  stackSetCallAs: string;
  /** Why the StackSet's instances could not be read (every row's stackInstance is then null), or null. */
  stackSetError: string | null;
};

export interface MetadataInput {
  startedAt: Date;
  callerArn: string;
  organizationId?: string;
  managementAccountId?: string;
  stack?: string;
  toolVersion: string;
  regions: readonly string[];
  rows: readonly { expectedUser: string | null }[];
  expectedRunAsEnabled: boolean;
  stackSetCallAs: string;
  stackSetProblem?: string;
}

export function distinctExpectedUsers(rows: readonly { expectedUser: string | null }[]): string[] {
  const users = new Set<string>();
  for (const { expectedUser } of rows) if (expectedUser !== null) users.add(expectedUser);
  return [...users].sort();
}

export function auditMetadata(input: MetadataInput): AuditMetadata {
  return {
    generatedAt: input.startedAt.toISOString(),
    caller: input.callerArn,
    organizationId: input.organizationId ?? null,
    managementAccountId: input.managementAccountId ?? null,
    stack: input.stack ?? null,
    toolVersion: input.toolVersion,
    regions: [...input.regions],
    expectedUsers: distinctExpectedUsers(input.rows),
    expectedRunAsEnabled: input.expectedRunAsEnabled,
    stackSet: RUNSHELL_STACKSET_NAME,
    stackSetCallAs: input.stackSetCallAs,
    stackSetError: input.stackSetProblem ?? null,
  };
}
