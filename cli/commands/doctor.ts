// `ssm-runas doctor`: one engineer through the whole chain, read-only, each link with its value and verdict.
import { InvalidArgumentError, Option, type Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { DEFAULT_ROLE_NAME } from "./audit";
import { appOption } from "./entraOptions";
import {
  addOutputOptions,
  addStackOptions,
  declaredRunAsSource,
  expectedUserOption,
  exitTwoOnUsageErrors,
  expectationOf,
  identityCenterOptions,
  loadStack,
  outputFormat,
  parseAccountId,
  parseRegion,
  parseRoleName,
  usageError,
  type IdentityCenterOptions,
  type StackOptions,
} from "../options";
import { DOCTOR_COLUMNS, DOCTOR_VERDICTS, diagnose, doctorLinks, nodeUserLink } from "../doctorLinks";
import { renderReport, summarize } from "../report";
import { DoctorUsageError, readChain, readNodeUser, settle, type DoctorInput } from "../aws/doctor";

export const DOCTOR_FORMATS = ["table", "json"] as const;

const parseInstanceId = (value: string) => {
  if (!/^(i|mi)-[0-9a-f]{8,17}$/.test(value)) {
    throw new InvalidArgumentError("must be an EC2 instance id (i-…) or a managed node id (mi-…)");
  }
  return value;
};

interface DoctorOptions extends IdentityCenterOptions, StackOptions {
  user: string;
  account: string;
  region?: string;
  role: string;
  expectedUser?: string;
  /** false: --no-entra. */
  entra: boolean;
  entraAttribute?: string;
  app?: string;
  instance?: string;
  runCommand?: boolean;
  format: (typeof DOCTOR_FORMATS)[number];
  json?: boolean;
}

export function registerDoctorCommand(program: Command) {
  const command = exitTwoOnUsageErrors(program.command("doctor"))
    .description(
      "Follow one engineer through the chain and say which user their sessions start as, or the first broken " +
        `link: the Entra ID attribute, the identity-store user and their value, ABAC's ${RUN_AS_TAG_KEY} source, ` +
        "the session tag's value (a Linux user?), and in the account and region the RunShell document, other " +
        "Session documents, the writer and the guardrail SCPs. Read-only: it writes and probes nothing, unless " +
        "--instance with --run-command asks a node whether the user exists",
    )
    .summary("Trace one engineer's session user through Entra ID, Identity Center and the account")
    .addOption(
      new Option(
        "--user <name>",
        "the engineer's userName or email in the identity store (their userPrincipalName or mail in Entra ID)",
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option("--account <id>", "the account the engineer starts sessions in")
        .argParser(parseAccountId)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--region <region>", "the region of the sessions (default: AWS_REGION)").argParser(
        parseRegion,
      ),
    )
    .addOption(
      new Option("--role <name>", "role to assume in the account for its reads")
        .argParser(parseRoleName)
        .default(DEFAULT_ROLE_NAME),
    );
  addStackOptions(
    command,
    `the expected user, the ${RUN_AS_TAG_KEY} source, the instance and the allowed Session documents`,
  )
    .addOption(expectedUserOption("the document should have"))
    .addOption(new Option("--no-entra", "skip the Entra ID link (for the AWS side only)"))
    .addOption(appOption().conflicts("entra"))
    .addOption(
      new Option(
        "--entra-attribute <name>",
        "the Entra ID attribute to read, as provisioning names it (e.g. employeeId, extensionAttribute3; default: " +
          "the one the app's provisioning mapping sends to the SCIM attribute ABAC's source reads)",
      ).conflicts("entra"),
    );
  command
    .addOption(
      new Option(
        "--instance <id>",
        "also ask this Linux managed node whether the session user exists (needs --run-command)",
      ).argParser(parseInstanceId),
    )
    .addOption(
      new Option(
        "--run-command",
        "allow --instance's one write: a Run Command (AWS-RunShellScript) of getent passwd <user> on the node",
      ),
    );
  identityCenterOptions(command);
  addOutputOptions(command, DOCTOR_FORMATS)
    .addHelpText(
      "after",
      "\nExit codes: 0 sessions start as the engineer's user and nothing lets that drift; 1 a link is broken\n" +
        "(the last line names the first one and what to do); 2 the doctor itself could not run: bad input (an\n" +
        "unknown user or account), or a link it could not read.\n\n" +
        "Microsoft Graph (read-only): MS_GRAPH_ENDPOINT (default https://graph.microsoft.com), MS_GRAPH_TOKEN (a\n" +
        "bearer token; default: DefaultAzureCredential, e.g. az login). Read permissions: User.Read.All, and without\n" +
        "--entra-attribute Application.Read.All and Synchronization.Read.All to read the provisioning mapping.",
    )
    .action(async (options: DoctorOptions, cmd: Command) => {
      const stack = loadStack(cmd, options);
      const expectation = expectationOf(cmd, options.expectedUser, stack);
      const region = options.region ?? process.env.AWS_REGION;
      if (!region) usageError(cmd, "option '--region <region>' is required (or AWS_REGION)");
      if (options.instance && !options.runCommand) {
        usageError(
          cmd,
          `option '--instance ${options.instance}' runs a command on the node (getent passwd): add --run-command to allow it`,
        );
      }
      if (options.runCommand && !options.instance)
        usageError(cmd, "option '--run-command' needs '--instance <id>'");
      const input: DoctorInput = {
        user: options.user,
        accountId: options.account,
        region,
        roleName: options.role,
        identityCenter: {
          instanceArn: options.instanceArn ?? stack?.config.identityCenterInstanceArn,
          identityStoreId: options.identityStoreId,
        },
        identityCenterRegion: options.idcRegion ?? stack?.identityCenterRegion,
        expectation,
        declaredSource: declaredRunAsSource(stack),
        allowedSessionDocuments: stack?.config.allowedSessionDocuments ?? [],
        entra: options.entra,
        entraAttribute: options.entraAttribute,
        entraApp: options.app,
      };
      let reads;
      try {
        reads = await readChain(input);
      } catch (err) {
        if (err instanceof DoctorUsageError) usageError(cmd, err.message);
        throw err;
      }
      const links = doctorLinks(reads, options.user);
      if (options.instance) {
        const instanceId = options.instance;
        const tag = links.find(({ link }) => link === "session-tag");
        const user = tag?.verdict === "OK" ? tag.value : null;
        links.push(
          nodeUserLink(user === null ? undefined : await settle(() => readNodeUser(input, instanceId, user))),
        );
      }
      const diagnosis = diagnose(links);
      const format = outputFormat(options);
      const report = renderReport(format, {
        columns: DOCTOR_COLUMNS,
        rows: links,
        summary: summarize(
          DOCTOR_VERDICTS,
          links.map(({ verdict }) => ({ status: verdict })),
        ),
        metadata:
          format === "json"
            ? {
                user: options.user,
                accountId: options.account,
                region,
                sessionUser: diagnosis.sessionUser,
                firstBroken: diagnosis.firstBroken,
                conclusion: diagnosis.conclusion,
              }
            : undefined,
      });
      process.stdout.write(format === "json" ? report : `${report}\n${diagnosis.conclusion}\n`);
      process.exitCode = diagnosis.exitCode;
    });
}
