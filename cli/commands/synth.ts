// `ssm-runas synth`: the offline render. The only command that runs the Pulumi program: its action loads synth/
// (and with it @pulumi/*) when it runs, so no other command, nor any --help, pays for loading Pulumi.
import * as path from "node:path";
import type { Command } from "commander";
import { exitTwoOnUsageErrors } from "../options";

interface SynthCommandOptions {
  stack: string;
  out?: string;
  projectDir?: string;
  policyPackConfig?: string;
}

export function registerSynthCommand(program: Command) {
  exitTwoOnUsageErrors(program.command("synth"))
    .description(
      "Render what a stack would deploy, offline: runs the program for Pulumi.<stack>.yaml on Pulumi's mock runtime " +
        "(no Pulumi CLI, backend or AWS credentials), writes the files a reviewer reads (the deployment plan " +
        "plan.md and plan.json among them) and prints the plan in five lines",
    )
    .requiredOption("--stack <name>", "stack whose Pulumi.<name>.yaml to render, e.g. dev or prod")
    .option("--out <dir>", "output folder (default: out/<stack>)")
    .option(
      "--project-dir <dir>",
      "folder holding Pulumi.yaml and Pulumi.<stack>.yaml (default: this project)",
    )
    .option(
      "--policy-pack-config <file>",
      "JSON config for the policy pack, as pulumi's --policy-pack-config takes it (e.g. requiredExceptionPrincipals)",
    )
    .action(async (options: SynthCommandOptions) => {
      // require, not import(): the bin compiles TypeScript through tsx's CommonJS hook, which import() bypasses.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { synth } = require("../../synth/synth") as typeof import("../../synth/synth");
      const result = await synth(options);
      for (const { file } of result.files) {
        process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(result.outDir, file))}\n`);
      }
      for (const line of result.summary) process.stdout.write(`${line}\n`);
      for (const violation of result.policyReport?.violations ?? []) {
        if (violation.enforcementLevel !== "advisory") continue;
        process.stderr.write(`warning: policy ${violation.policy} (advisory): ${violation.message}\n`);
      }
      if (!result.ok) {
        for (const line of result.errors) process.stderr.write(`${line}\n`);
        process.stderr.write(
          result.files.length > 0
            ? `synth: stack ${options.stack} violates mandatory policies (see policy-report.json)\n`
            : `synth: stack ${options.stack} not rendered; nothing written\n`,
        );
        process.exitCode = 1;
      }
    });
}
