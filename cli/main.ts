// `ssm-runas`: the operations CLI (docs/operations.md). Each subcommand lives in a module of its own under commands/.
import { Command, CommanderError } from "commander";
import { exitTwoOnUsageErrors } from "./options";
import { registerAbacCommand } from "./commands/abac";
import { registerAuditCommand } from "./commands/audit";
import { registerDoctorCommand } from "./commands/doctor";
import { registerEntraCommand } from "./commands/entra";
import { registerSynthCommand } from "./commands/synth";
import { registerVerifyCommand } from "./commands/verify";

export function buildProgram(): Command {
  // An unknown command exits 2 with commander's one line, like a bad option of any subcommand.
  const program = exitTwoOnUsageErrors(new Command("ssm-runas"))
    .description("Operate SSM Session Manager RunAs across an AWS Organization")
    // `audit` and `audit users` share option names: each command reads only the options before its subcommand.
    .enablePositionalOptions();
  registerSynthCommand(program);
  registerAuditCommand(program);
  registerVerifyCommand(program);
  registerAbacCommand(program);
  registerDoctorCommand(program);
  registerEntraCommand(program);
  return program;
}

/** Runs the CLI; exit code 2 on a usage error or when the command itself fails unexpectedly. */
export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Commander has already printed its own message (and chosen the exit code).
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`ssm-runas: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
