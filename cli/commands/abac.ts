// `ssm-runas abac describe`: the live ABAC configuration as the stack-config block that imports it unchanged.
import type { Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { accessControlAttributesBlock } from "../abacBlock";
import { describeAbac, resolveIdentityCenter, ssoAdminClient, type AbacState } from "../aws/identityCenter";
import { describeError } from "../errors";
import {
  exitTwoOnUsageErrors,
  identityCenterOptions,
  loadStack,
  addStackOptions,
  type StackOptions,
  type IdentityCenterOptions,
} from "../options";

type AbacDescribeOptions = Omit<IdentityCenterOptions, "identityStoreId"> & StackOptions;

interface AbacDescription {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Pure: what `abac describe` prints for a live state. */
function describeAbacForImport(state: AbacState): AbacDescription {
  if (!state.enabled) {
    return {
      exitCode: 1,
      stdout: "",
      stderr:
        `${state.reason}.\nThere is nothing to import: set importExistingAbac: false and the stack creates ` +
        "the configuration.\n",
    };
  }
  const runAsMapped = state.attributes.some(({ key }) => key === RUN_AS_TAG_KEY);
  return {
    exitCode: 0,
    stdout: accessControlAttributesBlock(state.attributes),
    stderr: runAsMapped
      ? ""
      : `note: the live configuration does not map ${RUN_AS_TAG_KEY}; the stack requires it, so the import ` +
        `shows a diff: add ${RUN_AS_TAG_KEY} to this list and let the first update add it.\n`,
  };
}

export function registerAbacCommand(program: Command) {
  const abac = exitTwoOnUsageErrors(program.command("abac")).description(
    "IAM Identity Center attributes for access control (ABAC): describe the live configuration",
  );
  const describe = exitTwoOnUsageErrors(abac.command("describe"))
    .description(
      "Print the live ABAC configuration as the ssm-runas-sync:accessControlAttributes block for " +
        "Pulumi.<stack>.yaml, so importExistingAbac imports it without a diff",
    )
    .summary(
      "Print the live ABAC configuration as the accessControlAttributes block for Pulumi.<stack>.yaml",
    );
  addStackOptions(describe, "the Identity Center instance and region");
  identityCenterOptions(describe, false)
    .addHelpText(
      "after",
      "\nExit codes: 0 block printed (paste it under config:); 1 ABAC is not enabled on the instance; " +
        "2 the command itself failed.",
    )
    .action(async (options: AbacDescribeOptions, command: Command) => {
      const stack = loadStack(command, options);
      const ssoAdmin = ssoAdminClient(options.idcRegion ?? stack?.identityCenterRegion);
      let state: AbacState;
      try {
        const instanceArn =
          options.instanceArn ??
          stack?.config.identityCenterInstanceArn ??
          (await resolveIdentityCenter(ssoAdmin, {})).instanceArn;
        state = await describeAbac(ssoAdmin, instanceArn);
      } catch (err) {
        throw new Error(`abac describe failed: ${describeError(err)}`);
      }
      const description = describeAbacForImport(state);
      process.stdout.write(description.stdout);
      process.stderr.write(description.stderr);
      process.exitCode = description.exitCode;
    });
}
