// Runs `ssm-runas` inside the test process, so aws-sdk-client-mock can stand in for a call the emulator lacks.
import { run } from "../../cli/main";

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

function replaceEnvironment(env: NodeJS.ProcessEnv) {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
}

/** Runs the CLI with `env` added to the environment, capturing what it writes and the exit code it sets. */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<InProcessRun> {
  const saved = { ...process.env };
  const { stdout: out, stderr: err } = process;
  const [outWrite, errWrite] = [out.write, err.write];
  const writes = { stdout: "", stderr: "" };
  const capture = (stream: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array) => {
      writes[stream] += String(chunk);
      return true;
    }) as typeof process.stdout.write;
  replaceEnvironment({ ...saved, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env });
  process.exitCode = undefined;
  out.write = capture("stdout");
  err.write = capture("stderr");
  try {
    await run(["node", "ssm-runas", ...args]);
    return { code: Number(process.exitCode ?? 0), ...writes };
  } finally {
    out.write = outWrite;
    err.write = errWrite;
    replaceEnvironment(saved);
    process.exitCode = undefined;
  }
}
