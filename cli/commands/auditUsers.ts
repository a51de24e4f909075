// `ssm-runas audit users`: identity-store users whose RunAs attribute is missing, not a Linux user name, or
// shared — the engineers who today fall back to the default user (or would share one).
import { Option, type Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { resolveIdentityCenter, ssoAdminClient } from "../aws/identityCenter";
import { identityStoreClient, readUserValues } from "../aws/identityStore";
import { describeError } from "../errors";
import {
  addOutputOptions,
  exitTwoOnUsageErrors,
  identityCenterOptions,
  loadStack,
  outputFormat,
  parseScimSource,
  runAsSource,
  addStackOptions,
  type StackOptions,
  type IdentityCenterOptions,
} from "../options";
import { renderReport, summarize, type Column, type OutputFormat } from "../report";
import { classifyUsers, sourcePath, USER_STATUSES, type UserRow } from "../userAttributes";

const USER_COLUMNS: Column<UserRow>[] = [
  { header: "USER", field: "userName" },
  { header: "USER ID", field: "userId" },
  { header: "STATUS", field: "status" },
  { header: "VALUE", field: "value" },
  { header: "DETAIL", field: "detail" },
];

interface AuditUsersOptions extends IdentityCenterOptions, StackOptions {
  all?: boolean;
  source?: string;
  format: OutputFormat;
  json?: boolean;
}

async function auditUsers(identityStoreId: string, source: string, region?: string) {
  const path = sourcePath(source);
  return classifyUsers(await readUserValues(identityStoreClient(region), identityStoreId, path), path);
}

function renderUserReport(format: OutputFormat, rows: UserRow[], all: boolean): string {
  return renderReport(format, {
    columns: USER_COLUMNS,
    rows: all ? rows : rows.filter((row) => row.status !== "OK"),
    summary: summarize(USER_STATUSES, rows),
  });
}

export function registerAuditUsersCommand(audit: Command) {
  const users = exitTwoOnUsageErrors(audit.command("users"))
    .description(
      `List identity-store users whose ${RUN_AS_TAG_KEY} source attribute is missing (they fall back to the ` +
        "default user), not a valid Linux user name, or shared by two users",
    )
    .summary(`Users whose ${RUN_AS_TAG_KEY} attribute is missing, not a Linux user name, or shared`);
  addStackOptions(users, `the ${RUN_AS_TAG_KEY} source and the Identity Center instance`)
    .addOption(
      new Option(
        "--source <source>",
        "attribute path to check, e.g. ${path:enterprise.employeeNumber}",
      ).argParser(parseScimSource),
    )
    .addOption(
      new Option(
        "--all",
        "list every user, OK ones too: the Linux user each engineer needs on the nodes they use",
      ),
    );
  identityCenterOptions(users);
  addOutputOptions(users)
    .addHelpText(
      "after",
      "\nExit codes: 0 every user has a valid, unique value; 1 some users do not; 2 the audit itself failed.",
    )
    .action(async (options: AuditUsersOptions, command: Command) => {
      const stack = loadStack(command, options);
      const source = runAsSource(command, options.source, stack);
      const region = options.idcRegion ?? stack?.identityCenterRegion;
      let rows: UserRow[];
      try {
        const identityStoreId =
          options.identityStoreId ??
          (
            await resolveIdentityCenter(ssoAdminClient(region), {
              instanceArn: options.instanceArn ?? stack?.config.identityCenterInstanceArn,
            })
          ).identityStoreId;
        rows = await auditUsers(identityStoreId, source, region);
      } catch (err) {
        throw new Error(`audit users failed: ${describeError(err)}`);
      }
      process.stdout.write(renderUserReport(outputFormat(options), rows, options.all === true));
      process.exitCode = rows.every((row) => row.status === "OK") ? 0 : 1;
    });
}
