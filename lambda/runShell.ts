//! Read-modify-write of SSM-SessionManagerRunShell. Sessions use the default version, but other writers (AWS's
//! documented CLI procedure, LZA's Session Manager settings) may add a version with `UpdateDocument
//! --document-version $LATEST` alone and leave the default behind: the latest version is the newest intent.
//! Goal state: the default version holds the latest version's content with RunAs applied — normally it *is* the
//! latest version. The writer applies RunAs to the latest version, makes the result the default, then looks
//! again and starts over from the newest version when another writer got in between.
import { SSM } from "@aws-sdk/client-ssm";
import { applyRunAs, DOCUMENT_NAME as Name, type RunAs } from "./document";
import { logAction } from "./log";

//! An attempt ends early when another writer adds a version during it (before our write, or before our
//! re-check); 5 rides out a pipeline writing several versions in a row and stays far inside the timeout.
const WRITE_ATTEMPTS = 5;

/** A client per invocation picks up the endpoint, region and credentials of the environment at hand. */
export function ssmClient(): SSM {
  return new SSM({ retryMode: "adaptive", maxAttempts: 5 });
}

interface Versions {
  latest: string;
  default: string;
}

/** The document's latest and default version numbers, or undefined when it does not exist. */
async function versionsOf(ssm: SSM): Promise<Versions | undefined> {
  try {
    const { Document } = await ssm.describeDocument({ Name });
    return { latest: Document?.LatestVersion as string, default: Document?.DefaultVersion as string };
  } catch (error) {
    //! SDK service exceptions carry the AWS error code as their name.
    if ((error as Error).name === "InvalidDocument") return undefined;
    throw error;
  }
}

/** One version's content in JSON: asking for JSON makes SSM convert a YAML-stored document. */
async function contentOf(ssm: SSM, DocumentVersion: string): Promise<string | undefined> {
  return (await ssm.getDocument({ Name, DocumentVersion, DocumentFormat: "JSON" })).Content;
}

function makeDefault(ssm: SSM, DocumentVersion: string) {
  return ssm.updateDocumentDefaultVersion({ Name, DocumentVersion });
}

//! When SSM refuses both texts of the content as duplicates, the version holding it becomes the default instead.
//! The latest version stays as it is, so this is the one state where the default is not the latest (the audit
//! reports it); a later run recognizes it by content and writes nothing.
async function versionHolding(ssm: SSM, latest: string, content: string): Promise<string> {
  for (let version = Number(latest) - 1; version > 0; version--) {
    const DocumentVersion = `${version}`;
    const held = await contentOf(ssm, DocumentVersion).catch((error: Error) => {
      if (error.name === "InvalidDocument") return undefined; // a deleted version
      throw error;
    });
    if (held === content) return DocumentVersion;
  }
  throw new Error(`${Name}: no version holds the "duplicate" content`);
}

function sameVersions(a: Versions | undefined, b: Versions): boolean {
  return a?.latest === b.latest && a.default === b.default;
}

interface Step {
  outcome: "missing" | "created" | "unchanged" | "promoted" | "updated" | "adopted";
  /** The RunAs values found in the version read (the latest). */
  prior: RunAs;
  /** The versions DescribeDocument shows when no one else wrote since; none: nothing was made the default. */
  expected?: Versions;
}

/** One read-modify-write from the document's `versions`; undefined when another writer got in first. */
async function step(
  ssm: SSM,
  versions: Versions | undefined,
  runAs: RunAs,
  createIfMissing: boolean,
): Promise<Step | undefined> {
  if (!versions) {
    const { prior, content } = applyRunAs(undefined, runAs);
    if (!createIfMissing) return { outcome: "missing", prior };
    try {
      //! Content is written in JSON, the API's default format. Version 1 is both latest and default.
      await ssm.createDocument({ Name, Content: content, DocumentType: "Session" });
      return { outcome: "created", prior };
    } catch (error) {
      if ((error as Error).name === "DocumentAlreadyExists") return undefined;
      throw error;
    }
  }
  const { latest } = versions;
  const { prior, content } = applyRunAs(await contentOf(ssm, latest), runAs);
  if (content === undefined) {
    //! The latest version already holds RunAs (a write of $LATEST alone, or ours): it only has to be the default.
    if (versions.default === latest) return { outcome: "unchanged", prior };
    await makeDefault(ssm, latest);
    return { outcome: "promoted", prior, expected: { latest, default: latest } };
  }
  //! The default may hold this very content already: adopted by an earlier run (see versionHolding).
  if (versions.default !== latest && (await contentOf(ssm, versions.default)) === content) {
    return { outcome: "unchanged", prior };
  }
  //! SSM refuses content an older version already holds (after a restore and a redeploy, say). The same JSON
  //! without indentation is a different text, so it can become the latest version all the same.
  for (const text of [content, JSON.stringify(JSON.parse(content))]) {
    try {
      //! The version read, not $LATEST: SSM updates only the latest version, so a version someone else added
      //! since our read makes this fail (InvalidDocumentVersion) instead of being overwritten.
      const { DocumentDescription } = await ssm.updateDocument({
        Name,
        Content: text,
        DocumentVersion: latest,
      });
      const written = DocumentDescription?.DocumentVersion as string;
      await makeDefault(ssm, written);
      return { outcome: "updated", prior, expected: { latest: written, default: written } };
    } catch (error) {
      const code = (error as Error).name;
      if (code === "InvalidDocumentVersion") return undefined;
      if (code !== "DuplicateDocumentContent") throw error;
    }
  }
  const holder = await versionHolding(ssm, latest, content);
  await makeDefault(ssm, holder);
  return { outcome: "adopted", prior, expected: { latest, default: holder } };
}

/**
 * Brings the document to `runAs` (creating it only when `createIfMissing`), logs the outcome, and returns the
 * RunAs values found before this invocation's first write (the restore point). Throws when other writers keep
 * adding versions for WRITE_ATTEMPTS attempts: EventBridge then retries the event. Throttling is the SDK
 * client's business (adaptive retry mode).
 */
export async function writeRunAs(ssm: SSM, runAs: RunAs, createIfMissing: boolean): Promise<RunAs> {
  let versions = await versionsOf(ssm);
  let prior: RunAs | undefined;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const done = await step(ssm, versions, runAs, createIfMissing);
    prior ??= done?.prior;
    //! Look again after making a version the default: a newer version (or another default) means another
    //! writer got in between, whose settings must not be lost, so start over from the newest version.
    const now = done && !done.expected ? undefined : await versionsOf(ssm);
    if (done && (!done.expected || sameVersions(now, done.expected))) {
      logAction(done.outcome, runAs);
      return prior as RunAs;
    }
    versions = now;
    logAction("conflict", { attempt, ...versions });
  }
  throw new Error(`${Name} kept changing during ${WRITE_ATTEMPTS} attempts`);
}
