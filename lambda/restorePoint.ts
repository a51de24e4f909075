//! The custom resource's PhysicalResourceId carries the RunAs values found before the first write: a Lambda is
//! stateless, and Delete events bring back only the physical id and the properties. Updates keep the id
//! unchanged (a new id would make CloudFormation "replace" the resource and send a Delete for the old one).
import { DOCUMENT_NAME, isJsonObject, type RunAs } from "./document";

const RESTORE_POINT_PREFIX = `${DOCUMENT_NAME}:runAs=`;

/** The physical id of a Create that failed: its Delete succeeds without touching the document. */
export const CREATE_FAILED_ID = `${DOCUMENT_NAME}:create-failed`;

/** `prior` as runAsOf returns it: an absent key stays absent, so a restore removes what the writer added. */
export function restorePointId(prior: RunAs): string {
  return RESTORE_POINT_PREFIX + JSON.stringify(prior);
}

/** The RunAs values a physical id remembers, or undefined for any id this writer did not issue on success. */
export function restorePointOf(physicalResourceId: string): RunAs | undefined {
  if (!physicalResourceId.startsWith(RESTORE_POINT_PREFIX)) return undefined;
  try {
    const prior: unknown = JSON.parse(physicalResourceId.slice(RESTORE_POINT_PREFIX.length));
    return isJsonObject(prior) ? prior : undefined;
  } catch {
    return undefined;
  }
}
