// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does for config: project defaults first,
// then the stack's own values, flattened to the `namespace:key` → string map a program receives.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** This project's folder, where Pulumi.yaml and the example stacks live. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

export class StackFileError extends Error {}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`${file}: not found`);
  }
  try {
    return (parse(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new StackFileError(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export interface ProjectFile {
  name: string;
  config: Record<string, { type?: string; description?: string; default?: unknown; items?: unknown }>;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  return {
    name: String(project.name),
    config: (project.config ?? {}) as ProjectFile["config"],
  };
}

/** The config a program run for `stack` receives, as `namespace:key` → string. */
export function readStackConfig(projectDir: string, stack: string): Record<string, string> {
  const project = readProjectFile(projectDir);
  const config: Record<string, string> = {};
  for (const [key, declaration] of Object.entries(project.config)) {
    if (declaration.default !== undefined) {
      config[key.includes(":") ? key : `${project.name}:${key}`] = asConfigString(declaration.default);
    }
  }
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const values = (readYaml(stackFile).config ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new StackFileError(
        `${stackFile}: ${fullKey} is a secret; synth renders offline and cannot decrypt it (use a plain value)`,
      );
    }
    config[fullKey] = asConfigString(value);
  }
  return config;
}
