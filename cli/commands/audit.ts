// `ssm-runas audit`: every account × region's RunShell document against the expected fallback user.
import { Option, type Command } from "commander";
import { version as TOOL_VERSION } from "../../package.json";
import { stackScope } from "../auditContext";
import { auditMetadata } from "../auditMetadata";
import { AUDIT_OUTPUT_FORMATS, renderAuditReport, type AuditOutputFormat } from "../auditReport";
import { runAudit } from "../aws/audit";
import { describeError } from "../errors";
import { writeFileAtomically } from "../outputFile";
import { registerAuditUsersCommand } from "./auditUsers";
import {
  addOutputOptions,
  exitTwoOnUsageErrors,
  loadStack,
  outputFormat,
  parseConcurrency,
  parseRoleName,
  regionsOption,
  scopeOption,
  addStackOptions,
  expectedUserOption,
  type StackOptions,
  usageError,
  expectationOf,
  runAsDisabledContradiction,
} from "../options";
import { progressOnTerminal } from "../progress";
import { summarize } from "../report";
import { AUDIT_STATUSES, auditExitCode } from "../auditRows";
import { fallbackUserCounted } from "../auditChecks";

export const DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole";
export const DEFAULT_CONCURRENCY = 16;

interface AuditCommandOptions extends StackOptions {
  expectedUser?: string;
  expectRunasDisabled?: boolean;
  regions?: string[];
  ou?: string[];
  role: string;
  concurrency: number;
  format: AuditOutputFormat;
  json?: boolean;
  output?: string;
  regionScan: boolean;
  fallbackUser?: boolean;
}

const EXIT_CODES = `
Exit codes: 0 every account × region is COMPLIANT (or BREAK_GLASS, while break-glass is on), OUT_OF_SCOPE or
SUSPENDED; 1 some are MISSING, RUNAS_DISABLED, BREAK_GLASS_PENDING, WRONG_USER, LATEST_DIFFERS,
FALLBACK_USER_PENDING, BYPASS_DOCUMENT, WRITER_UNHEALTHY, UNGUARDED, UNMANAGED_REGION or ERROR (an account that cannot be read is an ERROR row, not the
end of the audit) — but for the management account's UNGUARDED and UNMANAGED_REGION rows, which no SCP could
ever fix; 2 the audit itself failed (bad options, the accounts cannot be listed, --output cannot be written).

A row is COMPLIANT when the document has RunAs on with the expected user (its default version, and its latest
too when that is another one: LATEST_DIFFERS means the latest holds other RunAs values), no Session document
of the account's own in that region bypasses RunAs (BYPASS_DOCUMENT), the writer and both reconcile rules are
there and enabled with the expected user (WRITER_UNHEALTHY), and both guardrail SCPs are attached to the
account, its OUs or the root (UNGUARDED; the management account always is). When several apply the row takes
the first of ERROR (document unreadable), MISSING, RUNAS_DISABLED, BREAK_GLASS_PENDING, WRONG_USER,
LATEST_DIFFERS, FALLBACK_USER_PENDING, BYPASS_DOCUMENT, WRITER_UNHEALTHY, UNGUARDED, ERROR (a check
unreadable); the detail names the others. Each enabled region outside --regions is an UNMANAGED_REGION row of its own, except in accounts where
the session guardrail denies sessions there (the stack's restrictSessionRegions); --no-region-scan skips the
listing.

Not read, one row per region: a suspended or closing account is SUSPENDED; with --stack, an account outside the
stack's deploymentTargets and organizationalUnitOverrides OUs is OUT_OF_SCOPE (the management account unless
includeManagementAccount is true). With --expected-user every account listed is in scope.

Every row carries the account's name, its OU path by name, the user expected there, whether it is the
management account, and the RunShell StackSet's instance there (stackInstance: CURRENT, OUTDATED: <reason>,
FAILED: <reason>, INOPERABLE: <reason>, NOT_TARGETED, or empty when the StackSet could not be read, which is
said once on stderr); a failing row's detail ends with the instance when that explains it. The StackSet is read
once, as the stack's stackSetCallAs (default SELF), from its aws:region (without --stack, the SDK's region).

Formats: table (the default); json, {"metadata", "results", "summary"}; csv, the run's metadata as "# key: value"
lines before the header; html, one self-contained page (a heat map of accounts by OU × regions, filters, a
detail per cell); markdown, the metadata, the counts and the failing cells (for a CI job summary or a pull
request comment). --output <file> writes it there, whole or not at all, instead of stdout.

Break-glass (the stack's runAsEnabled: false, or --expect-runas-disabled): RunAs off is the intended state. A
document with RunAs off is BREAK_GLASS instead of RUNAS_DISABLED (it passes, whatever its fallback user), one
with RunAs still on is BREAK_GLASS_PENDING (break-glass has not reached it yet), and the writer must carry
RUN_AS_ENABLED "false" so that its reconcile keeps RunAs off. Every other check is the same.

The fallback user (counted by default with a --stack whose ensureFallbackUser is true, the default;
--no-fallback-user skips it; with --expected-user only --fallback-user counts it): a row is
FALLBACK_USER_PENDING when the association ssm-runas-sync-fallback-user is missing there, or when fewer of its
targets last ran it successfully than there are Linux managed nodes; the detail says how many of how many.
Sessions on such a node fail once RunAs is on: the rollout's pre-flight, with RunAs still off.

Read-only: the only calls are sts:GetCallerIdentity, sts:AssumeRole, organizations:List*,
organizations:DescribeOrganization, organizations:DescribeOrganizationalUnit (only for the OUs above --ou),
cloudformation:ListStackInstances, ssm:DescribeDocument, ssm:GetDocument, ssm:ListDocuments,
lambda:GetFunctionConfiguration, events:DescribeRule, events:ListTargetsByRule, ec2:DescribeRegions, and when
the fallback user is counted ssm:ListAssociations, ssm:DescribeAssociation and ssm:DescribeInstanceInformation.
The caller's own account is read with the caller's credentials, every other account through --role; the SCPs
and the StackSet are read with the caller's credentials (management account or delegated administrator).`;

export function registerAuditCommand(program: Command) {
  const audit = exitTwoOnUsageErrors(program.command("audit"))
    .description(
      "Audit SSM-SessionManagerRunShell in every account × region of the organisation against the expected " +
        "fallback user, with what keeps it so: no bypassing Session document, a healthy writer, the guardrail " +
        "SCPs on the account's path, no enabled region left unmanaged",
    )
    .summary("Audit the RunShell document in every account × region (and `audit users`: the identity store)")
    .enablePositionalOptions();
  addStackOptions(
    audit,
    "the expected user (runAsDefaultUser, organizationalUnitOverrides), runAsEnabled, --regions and the scope (deploymentTargets, includeManagementAccount)",
  )
    .addOption(expectedUserOption("every account should have"))
    .addOption(
      new Option(
        "--expect-runas-disabled",
        "expect break-glass, RunAs off everywhere (the stack's runAsEnabled: false implies it; this flag serves " +
          "--expected-user, or a stack whose config is not changed yet, with a warning on stderr)",
      ),
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
    )
    .addOption(
      new Option(
        "--no-region-scan",
        "do not list each account's enabled regions (no UNMANAGED_REGION rows, one call less per account)",
      ),
    )
    .addOption(
      new Option(
        "--fallback-user",
        "count the Linux managed nodes the fallback-user association has not reached (FALLBACK_USER_PENDING; " +
          "State Manager reads per account × region): the default with a --stack that deploys it " +
          "(ensureFallbackUser), with --expected-user only when given",
      ),
    )
    .addOption(new Option("--no-fallback-user", "do not count them, whatever the stack"));
  addOutputOptions(audit, AUDIT_OUTPUT_FORMATS)
    .addOption(
      new Option(
        "--output <file>",
        "write the report to this file (whole or not at all: a temporary file renamed over it) instead of stdout",
      ),
    )
    .addHelpText("after", EXIT_CODES)
    .action(async (options: AuditCommandOptions, command: Command) => {
      const stack = loadStack(command, options);
      const expectation = expectationOf(
        command,
        options.expectedUser,
        stack,
        options.expectRunasDisabled === true,
      );
      const contradiction = runAsDisabledContradiction(
        options.stack,
        stack,
        options.expectRunasDisabled === true,
      );
      if (contradiction) process.stderr.write(`${contradiction}\n`);
      const fallbackUser = fallbackUserCounted(
        options.fallbackUser,
        stack && { name: stack.name, ensureFallbackUser: stack.config.ensureFallbackUser },
      );
      if (fallbackUser.problem) usageError(command, fallbackUser.problem);
      const listed = options.regions ?? stack?.config.regions;
      if (!listed) usageError(command, "option '--regions <region...>' is required unless --stack is given");
      const regions = [...new Set(listed)];
      const stackSetCallAs = stack?.config.stackSetCallAs ?? "SELF";

      const startedAt = new Date();
      const progress = progressOnTerminal(process.stderr, "audit");
      let result;
      try {
        result = await runAudit({
          regions,
          roleName: options.role,
          expectation,
          concurrency: options.concurrency,
          scope: options.ou,
          stackScope: stack ? stackScope(stack.config) : undefined,
          stackSet: { region: stack?.region, callAs: stackSetCallAs },
          allowedSessionDocuments: stack?.config.allowedSessionDocuments ?? [],
          restrictSessionRegions: stack?.config.restrictSessionRegions ?? false,
          regionScan: options.regionScan,
          fallbackUser: fallbackUser.counted,
          onReadsFound: (count) => progress.add(count),
          onRowDone: () => progress.advance(),
        });
      } catch (err) {
        throw new Error(`audit failed: ${describeError(err)}`);
      } finally {
        progress.finish();
      }
      if (result.stackSetProblem) {
        process.stderr.write(
          `stack instances not read (the stackInstance column is empty): ${result.stackSetProblem}\n`,
        );
      }
      if (result.inactiveAccounts.length > 0) {
        process.stderr.write(`not audited (suspended or closing): ${result.inactiveAccounts.join(", ")}\n`);
      }
      // Only accounts outside the stack expect no user (suspended ones included): none in scope at all is likelier
      // the wrong credentials than an organisation the stack does not touch.
      if (stack && result.rows.length > 0 && result.rows.every(({ expectedUser }) => expectedUser === null)) {
        process.stderr.write(
          `no account listed is under the stack's deploymentTargets: is this the stack's organisation?\n`,
        );
      }
      const report = renderAuditReport(outputFormat(options), {
        metadata: auditMetadata({
          startedAt,
          callerArn: result.callerArn,
          organizationId: result.organizationId,
          managementAccountId: result.managementAccountId,
          stack: stack?.name,
          toolVersion: TOOL_VERSION,
          regions,
          rows: result.rows,
          expectedRunAsEnabled: expectation.runAsEnabled,
          stackSetCallAs,
          stackSetProblem: result.stackSetProblem,
        }),
        rows: result.rows,
        summary: summarize(AUDIT_STATUSES, result.rows),
      });
      if (options.output === undefined) process.stdout.write(report);
      else {
        try {
          writeFileAtomically(options.output, report);
        } catch (err) {
          throw new Error(`cannot write ${options.output}: ${describeError(err)}`);
        }
      }
      process.exitCode = auditExitCode(result.rows, result.managementAccountId);
    });
  registerAuditUsersCommand(audit);
}
