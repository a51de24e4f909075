// `ssm-runas entra check`: layer 1 of the chain, read from Microsoft Graph. The IAM Identity Center
// application's provisioning job runs, and maps a per-user attribute onto the SCIM attribute the stack's
// SSMSessionRunAs source reads; no SAML claim for it takes its value from groups or roles.
import type { Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { claimsMappingPolicies, findApplication, jobSchema, provisioningJobs } from "../graph/application";
import { claimStep, unreadableClaimStep } from "../graph/claims";
import { graphClient, GraphError } from "../graph/client";
import { jobSteps } from "../graph/jobs";
import { classifyMapping, flowTypeVerdict } from "../graph/schema";
import { addOutputOptions, exitTwoOnUsageErrors, outputFormat } from "../options";
import { fail, formatStep, pass, stepStatus, type StepResult } from "../verifySteps";
import { abacTarget, addEntraOptions, failingAs, type EntraOptions } from "./entraOptions";

interface EntraCheckOptions extends EntraOptions {
  format: "table" | "json";
  json?: boolean;
}

async function checkSteps(
  app: string | undefined,
  target: string,
): Promise<{ application: object; steps: StepResult[] }> {
  const graph = graphClient();
  const sp = await findApplication(graph, app);
  const jobs = await provisioningJobs(graph, sp);
  const steps = [pass("application", `${sp.displayName} (appId ${sp.appId}, object id ${sp.id})`)];
  for (const job of jobs) {
    const title = jobs.length > 1 ? `provisioning job ${job.templateId ?? job.id}` : "provisioning job";
    steps.push(...jobSteps(job, title));
    const verdict = classifyMapping(await jobSchema(graph, sp, job.id), target);
    const mappingTitle = jobs.length > 1 ? `${title} mapping to ${target}` : `mapping to ${target}`;
    steps.push(verdict.ok ? pass(mappingTitle, verdict.detail) : fail(mappingTitle, verdict.detail));
    if (verdict.mapping) {
      const flow = flowTypeVerdict(verdict.mapping);
      steps.push(
        flow.ok
          ? pass(`${mappingTitle} flow type`, flow.detail)
          : fail(`${mappingTitle} flow type`, flow.detail),
      );
    }
  }
  try {
    steps.push(claimStep(await claimsMappingPolicies(graph, sp)));
  } catch (err) {
    if (!(err instanceof GraphError) || err.status !== 403) throw err;
    steps.push(unreadableClaimStep("the credential lacks Policy.Read.All"));
  }
  return { application: { id: sp.id, appId: sp.appId, displayName: sp.displayName }, steps };
}

export function registerEntraCheckCommand(entra: Command) {
  const command = exitTwoOnUsageErrors(entra.command("check"))
    .description(
      "Check the Entra ID side (Microsoft Graph, read-only): the IAM Identity Center application's provisioning " +
        "job runs, is not quarantined and has completed a cycle; its user mapping fills the SCIM attribute the " +
        `stack's ${RUN_AS_TAG_KEY} source reads from per-user attributes (directly, or an expression of them; ` +
        "not a constant, not group membership or app roles), flowing Always; and no SAML claim for it takes its value from groups or roles (several values reject the sign-in)",
    )
    .summary(`Check that Entra ID provisions ${RUN_AS_TAG_KEY}'s source from a per-user attribute`);
  addEntraOptions(command);
  addOutputOptions(command, ["table", "json"])
    .addHelpText(
      "after",
      "\nExit codes: 0 every step passed; 1 some step failed (the line names the SCIM attribute and why);\n" +
        "2 the check itself failed (unknown application, no provisioning job, no permission: one line).\n\n" +
        "CHECK lines are for a person: what Graph v1.0 does not show (claims edited in the admin center).\n" +
        "Microsoft Graph: MS_GRAPH_ENDPOINT (default https://graph.microsoft.com), MS_GRAPH_TOKEN (a bearer token;\n" +
        "default: DefaultAzureCredential, e.g. az login). Read permissions: Application.Read.All,\n" +
        "Synchronization.Read.All (and Policy.Read.All to read claims mapping policies).",
    )
    .action(async (options: EntraCheckOptions, cmd: Command) => {
      const { source, target } = abacTarget(cmd, options);
      const { application, steps } = await failingAs("check", () => checkSteps(options.app, target));
      if (outputFormat(options) === "json") {
        const results = steps.map((step) => ({
          status: stepStatus(step),
          title: step.title,
          detail: step.detail,
        }));
        const ok = steps.every((step) => step.ok);
        process.stdout.write(
          `${JSON.stringify({ application, source, target, ok, steps: results }, null, 2)}\n`,
        );
      } else {
        for (const step of steps) process.stdout.write(formatStep(step));
      }
      process.exitCode = steps.every((step) => step.ok) ? 0 : 1;
    });
}
