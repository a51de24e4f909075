// `ssm-runas entra candidates`: which Entra ID attribute could be the engineers' Linux login name, weighed
// over the users assigned to the IAM Identity Center application (groups expanded, nested ones included).
import { Option, type Command } from "commander";
import { findApplication, jobSchema, synchronizationJobs, type ServicePrincipal } from "../graph/application";
import { assignedUsers } from "../graph/assignments";
import {
  resolveExtensions,
  weighCandidates,
  type CandidateReport,
  type CandidateRow,
} from "../graph/candidates";
import { graphClient, type GraphClient } from "../graph/client";
import { sourceUserAttributes } from "../graph/schema";
import { CANDIDATE_ATTRIBUTES } from "../graph/users";
import {
  addOutputOptions,
  exitTwoOnUsageErrors,
  outputFormat,
  parseConcurrency,
  usageError,
} from "../options";
import { progressOnTerminal } from "../progress";
import { renderReport, type Column } from "../report";
import type { UserRow } from "../userAttributes";
import { failingAs } from "./entraOptions";

interface CandidatesOptions {
  app?: string;
  extension?: string[];
  showUsers?: number | true;
  concurrency: number;
  format: "table" | "json";
  json?: boolean;
}

const DEFAULT_SHOWN_USERS = 10;

const CANDIDATE_COLUMNS: Column<CandidateRow>[] = [
  { header: "ATTRIBUTE", field: "attribute" },
  { header: "USABLE", field: "usable" },
  { header: "OK", field: "ok" },
  { header: "MISSING", field: "missing" },
  { header: "INVALID", field: "invalid" },
  { header: "DUPLICATE", field: "duplicate" },
];

type OffenderRow = UserRow & { attribute: string };
const OFFENDER_COLUMNS: Column<OffenderRow>[] = [
  { header: "ATTRIBUTE", field: "attribute" },
  { header: "USER", field: "userName" },
  { header: "STATUS", field: "status" },
  { header: "VALUE", field: "value" },
  { header: "DETAIL", field: "detail" },
];

/** Directory extension attributes the provisioning schema knows (none without a job). */
async function discoveredExtensions(graph: GraphClient, app: ServicePrincipal): Promise<string[]> {
  const [job] = await synchronizationJobs(graph, app);
  return job ? sourceUserAttributes(await jobSchema(graph, app, job.id)) : [];
}

/** Pure: the offenders shown, `limit` per attribute that any user has a value of. */
function shownOffenders(report: CandidateReport, userCount: number, limit: number): OffenderRow[] {
  return report.rows
    .filter((row) => row.missing < userCount)
    .flatMap(({ attribute }) =>
      report.offenders[attribute].slice(0, limit).map((row) => ({ attribute, ...row })),
    );
}

export function registerEntraCandidatesCommand(entra: Command) {
  const command = exitTwoOnUsageErrors(entra.command("candidates"))
    .description(
      "Weigh Entra ID attributes as the Linux login name (Microsoft Graph, read-only): for the users assigned to " +
        "the IAM Identity Center application, directly or through groups (nested included), how many have a " +
        "value (MISSING), a valid Linux user name that is not root (INVALID), not shared with another user " +
        "(DUPLICATE); onPremisesSamAccountName, employeeId, mailNickname, extensionAttribute1-15 and directory " +
        "extension attributes",
    )
    .summary("Weigh Entra ID attributes as the Linux login name over the app's assigned users")
    .addOption(
      new Option(
        "--app <name or appId>",
        "the IAM Identity Center enterprise application (default: the gallery app, named AWS IAM Identity Center…)",
      ),
    )
    .addOption(
      new Option(
        "--extension <name...>",
        "directory extension attributes to weigh, extension_<appid>_<name> or <name> (default: those the provisioning schema lists)",
      ),
    )
    .addOption(
      new Option(
        "--show-users [count]",
        `list the users behind each problem (default ${DEFAULT_SHOWN_USERS} per attribute)`,
      ).argParser(parseConcurrency),
    )
    .addOption(
      new Option("--concurrency <n>", "users and groups read at the same time")
        .argParser(parseConcurrency)
        .default(8),
    );
  addOutputOptions(command, ["table", "json"])
    .addHelpText(
      "after",
      "\nExit codes: 0 weighed (the table is advice, not a verdict); 2 the command itself failed (one line).\n" +
        "Read permissions: Application.Read.All, User.Read.All, GroupMember.Read.All (groups assigned to the app),\n" +
        "Synchronization.Read.All (to discover directory extension attributes). MS_GRAPH_ENDPOINT / MS_GRAPH_TOKEN as for entra check.",
    )
    .action(async (options: CandidatesOptions, cmd: Command) => {
      const { application, users, groups, report } = await failingAs("candidates", async () => {
        const graph = graphClient();
        const app = await findApplication(graph, options.app);
        const extensions = resolveExtensions(options.extension, await discoveredExtensions(graph, app));
        if ("problem" in extensions) usageError(cmd, extensions.problem);
        const attributes = [...CANDIDATE_ATTRIBUTES, ...extensions.names];
        const progress = progressOnTerminal(process.stderr, "reading assigned users and groups");
        const assigned = await assignedUsers(graph, app, attributes, options.concurrency, progress);
        return {
          application: { id: app.id, appId: app.appId, displayName: app.displayName },
          users: assigned.users.length,
          groups: assigned.groups,
          report: weighCandidates(assigned.users, attributes),
        };
      });
      const limit = options.showUsers === true ? DEFAULT_SHOWN_USERS : options.showUsers;
      const offenders = limit === undefined ? undefined : shownOffenders(report, users, limit);
      if (outputFormat(options) === "json") {
        const json = {
          application,
          users,
          groups,
          results: report.rows,
          ...(offenders ? { offenders } : {}),
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        renderReport("table", { columns: CANDIDATE_COLUMNS, rows: report.rows, summary: { users, groups } }),
      );
      if (offenders && offenders.length > 0) {
        const summary = { users: new Set(offenders.map(({ userId }) => userId)).size };
        process.stdout.write(
          `\n${renderReport("table", { columns: OFFENDER_COLUMNS, rows: offenders, summary })}`,
        );
      }
    });
}
