// Runs the bundled writer with its log lines captured (and kept out of the test report).
import { bundledWriter, lambdaContext, type LambdaContext } from "./bundledWriter";

export interface Invocation {
  logs: Record<string, unknown>[];
  error?: Error;
}

export async function invokeWriter(
  event: object,
  context: LambdaContext = lambdaContext(),
): Promise<Invocation> {
  const handler = bundledWriter();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    await handler(event, context);
    return { logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  } catch (error) {
    return { logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>), error: error as Error };
  } finally {
    console.log = log;
  }
}

/** Sets environment variables for the duration of a suite; returns the function that puts them back. */
export function setEnvironment(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
