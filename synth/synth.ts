// `synth`: run the program for Pulumi.<stack>.yaml on the mock runtime and write what it would deploy.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../program";
import { runOnMocks } from "./mockRuntime";
import { renderAll, type RenderedFile } from "./render";
import { readStackConfig, StackFileError } from "./stackFiles";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface SynthOptions {
  stack: string;
  out?: string;
  projectDir?: string;
}

export interface SynthResult {
  ok: boolean;
  outDir: string;
  files: RenderedFile[];
  /** Reasons for failure, one line each, for stderr. */
  errors: string[];
}

function writeAtomically(file: string, content: string) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

export async function synth(options: SynthOptions): Promise<SynthResult> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const outDir = path.resolve(options.out ?? path.join("out", options.stack));
  const fail = (errors: string[]): SynthResult => ({ ok: false, outDir, files: [], errors });
  let config: Record<string, string>;
  try {
    config = readStackConfig(projectDir, options.stack);
  } catch (err) {
    if (err instanceof StackFileError) return fail([err.message]);
    throw err;
  }
  let files: RenderedFile[];
  try {
    const run = await runOnMocks(runProgram, { stack: options.stack, config });
    files = renderAll(run.resources);
  } catch (err) {
    if (err instanceof pulumi.RunError) return fail(err.message.split("\n"));
    throw err;
  }
  // Everything is rendered before anything is written: a failure leaves the output folder as it was.
  fs.mkdirSync(outDir, { recursive: true });
  for (const { file, content } of files) {
    const target = path.join(outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeAtomically(target, content);
  }
  return { ok: true, outDir, files, errors: [] };
}
