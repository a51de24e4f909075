// The writer as the StackSet template embeds it (Code.ZipFile): one readable CommonJS file, names and comments
// kept, so that a security reviewer can read in the template exactly what runs in every account. The Lambda
// runtime provides @aws-sdk v3.
import { buildSync } from "esbuild";
import * as path from "node:path";

let inlineCode: string | undefined;

export function writerInlineCode(): string {
  inlineCode ??= buildSync({
    // From the TypeScript source, which the program runs from (tsx or ts-node).
    entryPoints: [path.join(__dirname, "index.ts")],
    bundle: true,
    minify: false,
    // Comments that say why stay beside the code they explain.
    legalComments: "inline",
    format: "cjs",
    platform: "node",
    target: "node22",
    external: ["@aws-sdk/*"],
    write: false,
  }).outputFiles[0].text;
  return inlineCode;
}
