// `ssm-runas audit`: every account × region's RunShell document against the expected fallback user.
import { Option, type Command } from "commander";
import { runAudit } from "../aws/audit";
import { describeError } from "../errors";
import { registerAuditUsersCommand } from "./auditUsers";
import {
  addOutputOptions,
  exitTwoOnUsageErrors,
  loadStack,
  outputFormat,
  parseConcurrency,
  parseLinuxUser,
  parseRoleName,
  regionsOption,
  scopeOption,
  addStackOptions,
  type StackOptions,
  usageError,
  expectationOf,
} from "../options";
import { progressOnTerminal } from "../progress";
import { renderReport, summarize, type OutputFormat } from "../report";
import { AUDIT_COLUMNS, AUDIT_STATUSES } from "../auditRows";

export const DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole";
export const DEFAULT_CONCURRENCY = 16;

interface AuditCommandOptions extends StackOptions {
  expectedUser?: string;
  regions?: string[];
  ou?: string[];
  role: string;
  concurrency: number;
  format: OutputFormat;
  json?: boolean;
}

const EXIT_CODES = `
Exit codes: 0 every account × region is COMPLIANT; 1 some are MISSING, RUNAS_DISABLED, WRONG_USER,
LATEST_DIFFERS or ERROR (an account that cannot be read is an ERROR row, not the end of the audit); 2 the
audit itself failed (bad options, the accounts cannot be listed).

The document's default version is judged, and its latest version too when that is another one: LATEST_DIFFERS
means the latest holds other RunAs values than the default (a session may read either).

Read-only: the only calls are sts:GetCallerIdentity, sts:AssumeRole, organizations:List*,
ssm:DescribeDocument, ssm:GetDocument. The caller's own account is read with the caller's credentials, every
other account through --role.`;

export function registerAuditCommand(program: Command) {
  const audit = exitTwoOnUsageErrors(program.command("audit"))
    .description(
      "Audit SSM-SessionManagerRunShell in every account × region of the organisation: COMPLIANT, MISSING, " +
        "RUNAS_DISABLED, WRONG_USER, LATEST_DIFFERS or ERROR against the expected fallback user",
    )
    .summary("Audit the RunShell document in every account × region (and `audit users`: the identity store)")
    .enablePositionalOptions();
  addStackOptions(audit, "the expected user (runAsDefaultUser, organizationalUnitOverrides) and --regions")
    .addOption(
      new Option(
        "--expected-user <name>",
        "the runAsDefaultUser every account should have (instead of --stack)",
      )
        .argParser(parseLinuxUser)
        .conflicts("stack"),
    )
    .addOption(regionsOption())
    .addOption(scopeOption())
    .addOption(
      new Option("--role <name>", "role to assume in each member account")
        .argParser(parseRoleName)
        .default(DEFAULT_ROLE_NAME),
    )
    .addOption(
      new Option("--concurrency <n>", "accounts read at the same time")
        .argParser(parseConcurrency)
        .default(DEFAULT_CONCURRENCY),
    );
  addOutputOptions(audit)
    .addHelpText("after", EXIT_CODES)
    .action(async (options: AuditCommandOptions, command: Command) => {
      const stack = loadStack(command, options);
      const expectation = expectationOf(command, options.expectedUser, stack);
      const listed = options.regions ?? stack?.config.regions;
      if (!listed) usageError(command, "option '--regions <region...>' is required unless --stack is given");
      const regions = [...new Set(listed)];

      const progress = progressOnTerminal(process.stderr, "audit");
      let result;
      try {
        result = await runAudit({
          regions,
          roleName: options.role,
          expectation,
          concurrency: options.concurrency,
          scope: options.ou,
          onReadsFound: (count) => progress.add(count),
          onRowDone: () => progress.advance(),
        });
      } catch (err) {
        throw new Error(`audit failed: ${describeError(err)}`);
      } finally {
        progress.finish();
      }
      if (result.inactiveAccounts.length > 0) {
        process.stderr.write(`not audited (suspended or closing): ${result.inactiveAccounts.join(", ")}\n`);
      }
      process.stdout.write(
        renderReport(outputFormat(options), {
          columns: AUDIT_COLUMNS,
          rows: result.rows,
          summary: summarize(AUDIT_STATUSES, result.rows),
        }),
      );
      process.exitCode = result.rows.every((row) => row.status === "COMPLIANT") ? 0 : 1;
    });
  registerAuditUsersCommand(audit);
}
