// `ssm-runas verify`: the whole chain for one engineer in one (non-production) account and region.
import { InvalidArgumentError, Option, type Command } from "commander";
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { DEFAULT_ROLE_NAME } from "./audit";
import {
  exitTwoOnUsageErrors,
  identityCenterOptions,
  loadStack,
  parseAccountId,
  parseRegion,
  parseRoleName,
  parseScimSource,
  addStackOptions,
  declaredRunAsSource,
  expectedUserOption,
  usageError,
  type StackOptions,
  expectationOf,
  type IdentityCenterOptions,
} from "../options";
import { verify } from "../aws/verify";
import { signIn, SignInUsageError } from "../aws/signIn";
import { BREAK_GLASS_EXIT_CODE, breakGlassRefusal, formatStep } from "../verifySteps";

interface VerifyOptions extends IdentityCenterOptions, StackOptions {
  account: string;
  region: string;
  user: string;
  role: string;
  expectedUser?: string;
  source?: string;
  signIn?: boolean;
  startUrl?: string;
  permissionSet?: string;
}

function parseStartUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:") {
    throw new InvalidArgumentError(
      "must be the access portal's https URL, e.g. https://d-1234567890.awsapps.com/start",
    );
  }
  return value;
}

export function registerVerifyCommand(program: Command) {
  const command = exitTwoOnUsageErrors(program.command("verify"))
    .description(
      "Check the chain end to end for one user in one account and region, a pass/fail line per step: ABAC maps " +
        `${RUN_AS_TAG_KEY}; the user's attribute is a valid Linux user; the document has RunAs on with the ` +
        "expected default; the SCPs refuse a non-exempt role's document write (probed with unchanged content, " +
        "so nothing changes even where the SCP is missing), a session on AWS-StartInteractiveCommand, tagging " +
        "a role with SSMSessionRunAs and creating a Session document (each harmless where the SCP is missing)",
    )
    .summary("Check ABAC, the user's attribute, the document and the SCP for one user, account and region")
    .addOption(
      new Option("--account <id>", "member account to check").argParser(parseAccountId).makeOptionMandatory(),
    )
    .addOption(
      new Option("--region <region>", "region to check").argParser(parseRegion).makeOptionMandatory(),
    )
    .addOption(
      new Option("--user <name>", "the engineer's user name in the identity store").makeOptionMandatory(),
    )
    .addOption(
      new Option("--role <name>", "non-exempt role to assume in the account (reads, and the write probe)")
        .argParser(parseRoleName)
        .default(DEFAULT_ROLE_NAME),
    );
  addStackOptions(command, "the expected user, the RunAs source, the instance and the SCP exemptions")
    .addOption(expectedUserOption("the document should have"))
    .addOption(
      new Option(
        "--source <source>",
        `the ${RUN_AS_TAG_KEY} source to expect, e.g. \${path:userName}`,
      ).argParser(parseScimSource),
    )
    .addOption(
      new Option(
        "--sign-in",
        "also sign in through Identity Center as `aws sso login` does (interactive: approve it in a browser)",
      ),
    )
    .addOption(
      new Option(
        "--start-url <url>",
        "the access portal URL for --sign-in, e.g. https://d-1234567890.awsapps.com/start",
      ).argParser(parseStartUrl),
    )
    .addOption(
      new Option(
        "--permission-set <name>",
        "the permission set to sign in with (default: the user's only one in --account)",
      ),
    );
  identityCenterOptions(command)
    .addHelpText(
      "after",
      "\nExit codes: 0 every step passed; 1 some step failed; 2 the command itself could not run (bad options);\n" +
        "3 refused: the --stack is in break-glass (runAsEnabled: false), where RunAs is off by design; verify then\n" +
        "runs no step and no probe, and says so in one line.\n\n" +
        "The probes, each of which the SCPs must refuse (PASS: AccessDenied with an explicit deny in a service\n" +
        "control policy; FAIL: any other answer, which means the call got past authorisation):\n" +
        "  ssm:UpdateDocument of the RunShell document with its own latest content (changes nothing);\n" +
        "  ssm:StartSession on AWS-StartInteractiveCommand against i-00000000000000000 (no such instance);\n" +
        "  iam:TagRole of ssm-runas-sync-probe with SSMSessionRunAs (a role that does not exist: NoSuchEntity\n" +
        "    means the call was authorised; if it exists, the tag is removed again);\n" +
        "  ssm:CreateDocument of the Session document ssm-runas-sync-probe (deleted again if created).\n" +
        "With --sign-in (interactive), one more step: a real Identity Center sign-in as `aws sso login` does it\n" +
        "(open the URL printed on stderr, confirm the code), the permission set's role credentials for --account,\n" +
        "and GetCallerIdentity with them. PASS: a session of the permission set's AWSReservedSSO_ role (under\n" +
        "/aws-reserved/sso.amazonaws.com/) in --account, so the SCPs did not block the federation.",
    )
    .action(async (options: VerifyOptions, cmd: Command) => {
      const stack = loadStack(cmd, options);
      if (stack && !stack.config.runAsEnabled) {
        process.stderr.write(breakGlassRefusal(options.stack as string));
        process.exitCode = BREAK_GLASS_EXIT_CODE;
        return;
      }
      const idcRegion = options.idcRegion ?? stack?.identityCenterRegion;
      if (options.signIn) {
        if (!options.startUrl)
          usageError(cmd, "option '--sign-in' needs '--start-url <url>' (the access portal URL)");
        if (!process.stdin.isTTY) {
          usageError(
            cmd,
            "option '--sign-in' is interactive: run it in a terminal, where you can approve the sign-in",
          );
        }
        if (!(idcRegion ?? process.env.AWS_REGION)) {
          usageError(cmd, "option '--sign-in' needs '--idc-region <region>' (or --stack, or AWS_REGION)");
        }
      } else if (options.startUrl || options.permissionSet) {
        usageError(cmd, "options '--start-url' and '--permission-set' go with '--sign-in'");
      }
      const expectation = expectationOf(cmd, options.expectedUser, stack);
      const stackSource = declaredRunAsSource(stack);
      const steps = await verify({
        accountId: options.account,
        region: options.region,
        userName: options.user,
        roleName: options.role,
        identityCenter: {
          instanceArn: options.instanceArn ?? stack?.config.identityCenterInstanceArn,
          identityStoreId: options.identityStoreId,
        },
        identityCenterRegion: idcRegion,
        expectation,
        source: options.source ?? stackSource,
        exemptRolePatterns: stack?.config.scpExceptionPrincipalArns ?? [],
        stackSetExecutionRoleArnPattern: stack?.config.stackSetExecutionRoleArnPattern,
      });
      for (const step of steps) process.stdout.write(formatStep(step));
      if (options.signIn && options.startUrl) {
        try {
          const step = await signIn({
            accountId: options.account,
            region: options.region,
            startUrl: options.startUrl,
            identityCenterRegion: (idcRegion ?? process.env.AWS_REGION)!,
            permissionSet: options.permissionSet,
          });
          steps.push(step);
          process.stdout.write(formatStep(step));
        } catch (err) {
          if (err instanceof SignInUsageError) usageError(cmd, err.message);
          throw err;
        }
      }
      process.exitCode = steps.every((step) => step.ok) ? 0 : 1;
    });
}
