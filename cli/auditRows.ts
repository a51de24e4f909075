// Pure classification of one account × region's SSM-SessionManagerRunShell against the expected fallback user.
import { parse } from "yaml";
import type { Column } from "./report";

export const AUDIT_STATUSES = ["COMPLIANT", "MISSING", "RUNAS_DISABLED", "WRONG_USER", "ERROR"] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** One line of the audit; the field order is the audit's JSON contract (docs/operations.md). */
export interface AuditRow {
  accountId: string;
  region: string;
  status: AuditStatus;
  runAsEnabled: boolean | null;
  runAsDefaultUser: string | null;
  detail: string;
}

export type DocumentRead =
  { kind: "found"; content: string } | { kind: "missing" } | { kind: "failed"; reason: string };

interface RunAsSettings {
  runAsEnabled: boolean | null;
  runAsDefaultUser: string | null;
}

function parseContent(content: string): unknown {
  // The audit asks SSM for JSON, which JSON.parse reads several times faster than the YAML parser; YAML (which
  // also reads JSON) is the fallback for content as saved.
  try {
    return JSON.parse(content);
  } catch {
    try {
      return parse(content);
    } catch (err) {
      throw new Error(`content is neither JSON nor YAML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
}

/** The RunAs inputs of a Session document's content, JSON or YAML. */
function readRunAsSettings(content: string): RunAsSettings {
  const document = parseContent(content);
  if (document === null || typeof document !== "object") {
    throw new Error("content is not a document object");
  }
  const inputs = (document as { inputs?: unknown }).inputs;
  const fields = inputs !== null && typeof inputs === "object" ? (inputs as Record<string, unknown>) : {};
  return {
    runAsEnabled: typeof fields.runAsEnabled === "boolean" ? fields.runAsEnabled : null,
    runAsDefaultUser: typeof fields.runAsDefaultUser === "string" ? fields.runAsDefaultUser : null,
  };
}

export function errorRow(accountId: string, region: string, reason: string): AuditRow {
  return { accountId, region, status: "ERROR", runAsEnabled: null, runAsDefaultUser: null, detail: reason };
}

export function classifyDocument(
  accountId: string,
  region: string,
  read: DocumentRead,
  expectedUser: string,
): AuditRow {
  if (read.kind === "failed") return errorRow(accountId, region, read.reason);
  if (read.kind === "missing") {
    return {
      accountId,
      region,
      status: "MISSING",
      runAsEnabled: null,
      runAsDefaultUser: null,
      detail: "no SSM-SessionManagerRunShell: Session Manager preferences were never saved in this region",
    };
  }
  let settings: RunAsSettings;
  try {
    settings = readRunAsSettings(read.content);
  } catch (err) {
    return errorRow(accountId, region, (err as Error).message);
  }
  // Built in the contract's field order: JSON consumers see the keys as docs/operations.md lists them.
  const row = (status: AuditStatus, detail: string): AuditRow => ({
    accountId,
    region,
    status,
    runAsEnabled: settings.runAsEnabled,
    runAsDefaultUser: settings.runAsDefaultUser,
    detail,
  });
  if (settings.runAsEnabled !== true) {
    return row(
      "RUNAS_DISABLED",
      settings.runAsEnabled === false ? "runAsEnabled is false" : "runAsEnabled is not set",
    );
  }
  if (settings.runAsDefaultUser !== expectedUser) {
    const found = settings.runAsDefaultUser ? JSON.stringify(settings.runAsDefaultUser) : "empty";
    return row("WRONG_USER", `runAsDefaultUser is ${found}, expected "${expectedUser}"`);
  }
  return row("COMPLIANT", "");
}

/** Deterministic order: by account, then region. */
export function sortRows<Row extends { accountId: string; region: string }>(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

export const AUDIT_COLUMNS: Column<AuditRow>[] = [
  { header: "ACCOUNT", field: "accountId" },
  { header: "REGION", field: "region" },
  { header: "STATUS", field: "status" },
  { header: "RUNAS", field: "runAsEnabled" },
  { header: "DEFAULT USER", field: "runAsDefaultUser" },
  { header: "DETAIL", field: "detail" },
];
