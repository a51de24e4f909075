//! The pure core of the RunShell writer: the document's two RunAs inputs, changed without touching anything
//! else. It only ever sees JSON: the writer asks SSM for the content in JSON (SSM converts a YAML-stored
//! document), so the inline code needs no YAML parser.
import { RUN_SHELL_DOCUMENT_NAME } from "../policypack/rules/names";

export const DOCUMENT_NAME = RUN_SHELL_DOCUMENT_NAME;

/** The RunAs inputs as a document holds them: any JSON value, `undefined` when the key is absent. */
export interface RunAs {
  runAsEnabled?: unknown;
  runAsDefaultUser?: unknown;
}

type JsonObject = Record<string, unknown>;

//! The schema's required fields; the console's first save of preferences writes the same plus empty inputs.
const NEW_DOCUMENT: JsonObject = { schemaVersion: "1.0", sessionType: "Standard_Stream" };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseSessionDocument(content: string): { document: JsonObject; inputs: JsonObject } {
  const document: unknown = JSON.parse(content);
  const inputs = isJsonObject(document) ? (document.inputs ?? {}) : undefined;
  //! Refusing to write loses nothing; replacing a malformed document or `inputs` would.
  if (!isJsonObject(document) || !isJsonObject(inputs))
    throw new Error(`${DOCUMENT_NAME} is not a Session document`);
  return { document, inputs };
}

//! Both keys, always in this order, so that two RunAs compare as JSON and an undefined value can remove a key.
function runAsIn({ runAsEnabled, runAsDefaultUser }: RunAs): RunAs {
  return { runAsEnabled, runAsDefaultUser };
}

export interface RunAsChange {
  /** The RunAs inputs found (none for a missing document). */
  prior: RunAs;
  /** The new content, or undefined when the document already holds exactly the requested values. */
  content?: string;
}

/**
 * Applies `runAs` to a document's content (undefined: a missing document, which gets created). A RunAs value
 * of `undefined` removes that key. Every other field keeps its value and its place.
 */
export function applyRunAs(content: string | undefined, runAs: RunAs): RunAsChange {
  const { document, inputs } =
    content === undefined ? { document: NEW_DOCUMENT, inputs: undefined } : parseSessionDocument(content);
  const prior = runAsIn(inputs ?? {});
  const next = runAsIn(runAs);
  if (inputs && JSON.stringify(prior) === JSON.stringify(next)) return { prior };
  //! Spreads, not assignments: a "__proto__" key in someone's document stays a plain key.
  return { prior, content: JSON.stringify({ ...document, inputs: { ...inputs, ...next } }, null, 2) };
}
