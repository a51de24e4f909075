// Read-modify-write of SSM-SessionManagerRunShell: read the default version (the one sessions use), write only
// what differs, make the new version the default, and start over when another writer got in between.
import { SSM, type GetDocumentResult } from "@aws-sdk/client-ssm";
import { applyRunAs, DOCUMENT_NAME as Name, type RunAs } from "./document";
import { logAction } from "./log";

const WRITE_ATTEMPTS = 3;

/** A client per invocation picks up the endpoint, region and credentials of the environment at hand. */
export function ssmClient(): SSM {
  return new SSM({ retryMode: "adaptive", maxAttempts: 5 });
}

/** A version of the document in JSON — the default one unless `version` says otherwise — or undefined. */
async function readVersion(ssm: SSM, version?: string): Promise<GetDocumentResult | undefined> {
  try {
    // Asking for JSON makes SSM convert a YAML-stored document.
    return await ssm.getDocument({ Name, DocumentVersion: version, DocumentFormat: "JSON" });
  } catch (error) {
    // SDK service exceptions carry the AWS error code as their name.
    if ((error as Error).name === "InvalidDocument") return undefined;
    throw error;
  }
}

// SSM refuses to store content an older version already holds (after a restore and a redeploy, say): that
// version becomes the default instead.
async function adoptVersionHolding(ssm: SSM, content: string): Promise<void> {
  const { Document } = await ssm.describeDocument({ Name });
  for (let version = Number(Document?.LatestVersion); version > 0; version--) {
    const DocumentVersion = `${version}`;
    if ((await readVersion(ssm, DocumentVersion))?.Content === content) {
      return void (await ssm.updateDocumentDefaultVersion({ Name, DocumentVersion }));
    }
  }
  throw new Error(`${Name}: no version holds the "duplicate" content`);
}

// Replaces `current` (undefined: missing) with `Content`; undefined when another writer got in between.
async function write(ssm: SSM, current: GetDocumentResult | undefined, Content: string) {
  try {
    // Content is written in JSON, the API's default format.
    if (!current) {
      await ssm.createDocument({ Name, Content, DocumentType: "Session" });
      return "created";
    }
    const written = (await ssm.updateDocument({ Name, Content, DocumentVersion: "$LATEST" }))
      .DocumentDescription;
    // Another writer made its own version the default after our read: ours was based on stale content.
    if (written?.DefaultVersion && written.DefaultVersion !== current.DocumentVersion) return undefined;
    await ssm.updateDocumentDefaultVersion({ Name, DocumentVersion: written?.DocumentVersion });
    return "updated";
  } catch (error) {
    const code = (error as Error).name;
    if (code === "DuplicateDocumentContent") {
      await adoptVersionHolding(ssm, Content);
      return "adopted";
    }
    // Created by someone else after our read.
    if (code === "DocumentAlreadyExists") return undefined;
    throw error;
  }
}

/**
 * Brings the default version of the document to `runAs` (creating the document only when `createIfMissing`),
 * logs the outcome, and returns the RunAs values the write was based on. Throttling is the SDK client's
 * business (adaptive retry mode).
 */
export async function writeRunAs(ssm: SSM, runAs: RunAs, createIfMissing: boolean): Promise<RunAs> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const current = await readVersion(ssm);
    const { prior, content } = applyRunAs(current?.Content, runAs);
    const outcome =
      !current && !createIfMissing
        ? "missing"
        : content === undefined
          ? "unchanged"
          : await write(ssm, current, content);
    if (outcome) {
      logAction(outcome, runAs);
      return prior;
    }
    logAction("conflict", { attempt });
  }
  throw new Error(`${Name} kept changing during ${WRITE_ATTEMPTS} attempts`);
}
