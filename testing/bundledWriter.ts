// Loads the writer exactly as it ships — the inline code string — from a temporary directory whose
// node_modules links to the repository's, so its require("@aws-sdk/client-ssm") resolves to the very module
// the tests import (and aws-sdk-client-mock patches). The directory goes when the process exits.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writerInlineCode } from "../lambda/bundle";

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export type WriterHandler = (event: object, context: LambdaContext) => Promise<void>;

let handler: WriterHandler | undefined;

export function bundledWriter(): WriterHandler {
  if (handler) return handler;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-writer-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.symlinkSync(path.resolve(__dirname, "../node_modules"), path.join(dir, "node_modules"), "dir");
  const file = path.join(dir, "index.js");
  fs.writeFileSync(file, writerInlineCode());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = (require(file) as { handler: WriterHandler }).handler;
  return handler;
}

/** A Lambda context with `remainingMs` left. */
export function lambdaContext(remainingMs = 60_000): LambdaContext {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}
