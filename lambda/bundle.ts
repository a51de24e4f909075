// The writer as the StackSet template embeds it (Code.ZipFile): one readable CommonJS file, names kept, so that
// a security reviewer can read in the template exactly what runs in every account. The Lambda runtime provides
// @aws-sdk v3. esbuild drops ordinary comments; the writer's own files write theirs as `//!` (esbuild's "legal
// comment" marker), which it keeps in place, so the reviewer reads the same "why" as the maintainer.
import { buildSync } from "esbuild";
import * as path from "node:path";

let inlineCode: string | undefined;

export function writerInlineCode(): string {
  inlineCode ??= buildSync({
    // From the TypeScript source, which the program runs from (tsx or ts-node).
    entryPoints: [path.join(__dirname, "index.ts")],
    bundle: true,
    minify: false,
    legalComments: "inline",
    format: "cjs",
    platform: "node",
    target: "node22",
    external: ["@aws-sdk/*"],
    write: false,
  }).outputFiles[0].text;
  return inlineCode;
}
