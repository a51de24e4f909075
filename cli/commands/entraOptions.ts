// What the `entra` subcommands share: the application option, the ABAC source they check against, and
// turning any failure of the run itself into one line and exit code 2.
import { CommanderError, Option, type Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { GALLERY_APP_PREFIX } from "../graph/application";
import { scimTargetAttribute, sourcePath } from "../userAttributes";
import { addStackOptions, loadStack, parseScimSource, runAsSource, type StackOptions } from "../options";

export interface EntraOptions extends StackOptions {
  app?: string;
  abacSource?: string;
}

/** --app <name or appId>: which enterprise application is IAM Identity Center's. */
export const appOption = () =>
  new Option(
    "--app <name or appId>",
    `the IAM Identity Center enterprise application (default: the gallery app, named ${GALLERY_APP_PREFIX}…)`,
  );

/** --app, and --stack / --abac-source for the SCIM attribute the stack's SSMSessionRunAs reads. */
export function addEntraOptions(command: Command): Command {
  command.addOption(appOption());
  return addStackOptions(command, `the ${RUN_AS_TAG_KEY} source`).addOption(
    new Option(
      "--abac-source <source>",
      `the ${RUN_AS_TAG_KEY} source instead of --stack, e.g. \${path:enterprise.employeeNumber}`,
    )
      .argParser(parseScimSource)
      // The stack gives entra nothing but this source: both at once would leave one silently unused.
      .conflicts("stack"),
  );
}

export interface AbacTarget {
  /** `${path:enterprise.employeeNumber}` */
  source: string;
  /** The SCIM attribute Entra provisions it into: `urn:…:enterprise:2.0:User:employeeNumber`. */
  target: string;
}

/** The ABAC source (from --abac-source or the stack) and the SCIM attribute that fills it; exit 2 without one. */
export function abacTarget(command: Command, options: EntraOptions): AbacTarget {
  const stack = loadStack(command, options);
  const source = runAsSource(command, options.abacSource, stack, "--abac-source");
  return { source, target: scimTargetAttribute(sourcePath(source)) };
}

/** Runs the command's reads; any failure becomes `entra <name> failed: <one line>` (exit 2, from the CLI's run). */
export async function failingAs<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CommanderError) throw err; // a usage error, already printed
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();
    throw new Error(`entra ${name} failed: ${message}`);
  }
}
