// `ssm-runas`: the operational CLI (DESIGN.md). Each subcommand lives in a module of its own.
import { Command } from "commander";
import { registerSynthCommand } from "./synthCommand";

export function buildProgram(): Command {
  const program = new Command("ssm-runas")
    .description("Operate SSM Session Manager RunAs across an AWS Organization")
    .showHelpAfterError();
  registerSynthCommand(program);
  return program;
}

/** Runs the CLI; exit code 2 when the command itself fails unexpectedly. */
export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`ssm-runas: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
