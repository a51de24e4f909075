// `ssm-runas entra mapping`: the attribute mapping that makes Entra ID provision the stack's SSMSessionRunAs
// source from one per-user attribute, as the schema fragment to review and the whole updated schema in a
// file, with the `az rest` command that would apply it. It never writes to Entra ID itself.
import { Option, type Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { findApplication, jobSchema, provisioningJobs } from "../graph/application";
import { graphClient } from "../graph/client";
import { classifyMapping, sourceUserAttributes, withDirectMapping } from "../graph/schema";
import { CANDIDATE_ATTRIBUTES } from "../graph/users";
import { exitTwoOnUsageErrors, usageError } from "../options";
import { unwritableReason, writeFileAtomically } from "../outputFile";
import { abacTarget, addEntraOptions, failingAs, type EntraOptions } from "./entraOptions";

interface EntraMappingOptions extends EntraOptions {
  source: string;
  job?: string;
  output: string;
}

const DEFAULT_OUTPUT = "provisioning-schema.json";

/** Pure: a shell word for `value` (single-quoted when it holds anything a shell would read). */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Pure: the command that applies the reviewed schema (PUT …/schema); printed, never run. */
function applyCommand(schemaUrl: string, file: string): string {
  return (
    `az rest --method put --url ${shellWord(schemaUrl)} --headers Content-Type=application/json ` +
    `--body @${shellWord(file)}`
  );
}

export function registerEntraMappingCommand(entra: Command) {
  const command = exitTwoOnUsageErrors(entra.command("mapping"))
    .description(
      "Prepare the attribute mapping that provisions the stack's " +
        `${RUN_AS_TAG_KEY} source from one per-user Entra ID attribute: prints the mapping (the JSON ` +
        "fragment of the provisioning schema), writes the whole updated schema to a file for review, and " +
        "prints the az rest command that would apply it. Reads Microsoft Graph only; never writes to Entra ID",
    )
    .summary(`Prepare the provisioning mapping of ${RUN_AS_TAG_KEY}'s source (never writes to Entra ID)`)
    .addOption(
      new Option(
        "--source <attribute>",
        "the Entra ID attribute, as provisioning names it: employeeId, mailNickname, onPremisesSamAccountName, extensionAttribute1…15, extension_<appid>_<name>",
      ).makeOptionMandatory(),
    );
  addEntraOptions(command)
    .addOption(new Option("--job <id>", "the provisioning job, when the application has several"))
    .addOption(new Option("--output <file>", "where to write the updated schema").default(DEFAULT_OUTPUT))
    .addHelpText(
      "after",
      "\nExit codes: 0 mapping printed and schema written; 2 the command itself failed (one line).\n" +
        "Read permissions: Application.Read.All, Synchronization.Read.All. Applying the printed command needs\n" +
        "Synchronization.ReadWrite.All; it replaces the job's whole schema, so review the file first.",
    )
    .action(async (options: EntraMappingOptions, cmd: Command) => {
      const { target } = abacTarget(cmd, options);
      const unwritable = unwritableReason(options.output);
      if (unwritable) usageError(cmd, `option '--output ${options.output}': ${unwritable}`);
      const { graph, app, jobId, schema } = await failingAs("mapping", async () => {
        const graph = graphClient();
        const app = await findApplication(graph, options.app);
        const jobs = await provisioningJobs(graph, app);
        const job = options.job
          ? jobs.find(({ id }) => id === options.job)
          : jobs.length === 1
            ? jobs[0]
            : undefined;
        if (!job) {
          const listed = jobs.map(({ id }) => id).join(", ");
          usageError(
            cmd,
            options.job
              ? `option '--job ${options.job}': not a provisioning job of ${app.displayName} (its jobs: ${listed})`
              : `${app.displayName} has ${jobs.length} provisioning jobs: pass --job <id> (one of ${listed})`,
          );
        }
        return { graph, app, jobId: job.id, schema: await jobSchema(graph, app, job.id) };
      });
      const known = sourceUserAttributes(schema);
      if (known.length > 0 && !known.includes(options.source)) {
        usageError(
          cmd,
          `option '--source ${options.source}': not an attribute of Entra ID users in the provisioning schema ` +
            `(e.g. ${CANDIDATE_ATTRIBUTES.slice(0, 3).join(", ")}, extensionAttribute1)`,
        );
      }
      const updated = withDirectMapping(schema, options.source, target);
      const verdict = classifyMapping(updated.schema, target);
      if (verdict.kind !== "DIRECT")
        usageError(cmd, `option '--source ${options.source}': ${verdict.detail}`);
      writeFileAtomically(options.output, `${JSON.stringify(updated.schema, null, 2)}\n`);
      const schemaUrl = `${graph.baseUrl}/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`;
      process.stdout.write(
        `The user mapping of ${app.displayName} (job ${jobId}) to add, or to replace the one of ${target}:\n` +
          `${JSON.stringify(updated.mapping, null, 2)}\n\n` +
          `The whole schema with it: ${options.output}\n` +
          "Review it, then apply it (this command changed nothing in Entra ID):\n" +
          `  ${applyCommand(schemaUrl, options.output)}\n` +
          "Then restart provisioning so every user is provisioned again, and run ssm-runas entra check.\n",
      );
    });
}
