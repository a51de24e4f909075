// The writer as the StackSet template embeds it (Code.ZipFile): one minified CommonJS file; the Lambda
// runtime provides @aws-sdk v3.
import { buildSync } from "esbuild";
import * as path from "node:path";

/** CloudFormation's limit on inline Lambda code. */
export const INLINE_CODE_LIMIT = 4096;

let inlineCode: string | undefined;

export function writerInlineCode(): string {
  inlineCode ??= buildSync({
    // From the TypeScript source, which the program runs from (tsx or ts-node).
    entryPoints: [path.join(__dirname, "index.ts")],
    bundle: true,
    minify: true,
    format: "cjs",
    platform: "node",
    target: "node22",
    external: ["@aws-sdk/*"],
    legalComments: "none",
    write: false,
  }).outputFiles[0].text;
  return inlineCode;
}
