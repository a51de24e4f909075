// `ssm-runas`: the operations CLI (docs/operations.md). Each subcommand lives in a module of its own under commands/.
import { setFlagsFromString } from "node:v8";
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

/**
 * An audit keeps about 40 MB alive (modules, rows, the accounts in flight) but allocates some 200 KB per AWS
 * request inside the SDK. By default V8 lets the old generation grow to about four times what survived the last
 * full collection before it collects again, so the peak RSS of a 1,000-account audit was 280-290 MB, nearly
 * all of it garbage. Growing by half instead kept it under 200 MB for the same CPU (docs/development.md, audit
 * at scale). Unlike a heap cap (--max-old-space-size) this only paces collections: a larger organisation still
 * gets all the memory it needs. Read at every full collection, so setting it once the process runs is enough.
 */
const HEAP_GROWING_PERCENT = 50;

/** Runs the CLI; exit code 2 on a usage error or when the command itself fails unexpectedly. */
export async function run(argv: string[]): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
