// Runs the real program on Pulumi's mock runtime for a variant of the prod stack, and records what the
// mock runtime's resource list leaves out: which provider each resource was given, and how many resources
// were constructed at all (so a refusal can be shown to have declared nothing).
import * as pulumi from "@pulumi/pulumi";
import { GET_ORGANIZATION_INVOKE, type ManagementProviderArgs } from "../../config/awsProvider";
import { DESCENDANT_OUS_INVOKE } from "../../config/deploymentTargets";
import { runProgram } from "../../program";
import { runOnMocks, type DeclaredResource, type MockRun } from "../../synth/mockRuntime";
import { exampleStackConfig } from "./exampleStacks";

export const STACKSET = "aws:cloudformation/stackSet:StackSet";
export const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
export const STACK = "aws:cloudformation/stack:Stack";
export const AWS_PROVIDER = "pulumi:providers:aws";
export const COMPONENT = "ssm-runas-sync:index:RunShellStackSet";

/** The management account Organizations names on these mocks. */
export const MANAGEMENT_ACCOUNT_ID = "111111111111";
/** The management-account provider settings of a stack without `aws:` credentials settings. */
export const MANAGEMENT_PROVIDER_ARGS: ManagementProviderArgs = {
  allowedAccountIds: [MANAGEMENT_ACCOUNT_ID],
};

export interface Recorded {
  /** Resource name → name of the provider resource it was given explicitly. */
  providerOf: Map<string, string>;
  /** Resources constructed, counted as the program creates them (the Stack itself excluded). */
  constructed: number;
  /** The OUs the program asked Organizations about. */
  askedFor: string[];
  /** How often the program asked Organizations for the organisation (its management account). */
  organizationReads: number;
}

/** `namespace:key` → string config of the prod stack with `changes` applied (structured values as JSON). */
export function prodConfigWith(changes: Record<string, unknown>): Record<string, string> {
  const config = exampleStackConfig("prod");
  for (const [key, value] of Object.entries(changes)) {
    config[`ssm-runas-sync:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

function execute(config: Record<string, string>, descendants: Record<string, string[]>, recorded: Recorded) {
  const providerNames = new Map<pulumi.Resource, string>();
  return runOnMocks(
    () => {
      pulumi.runtime.registerStackTransformation((args) => {
        recorded.constructed++;
        if (args.type === AWS_PROVIDER) providerNames.set(args.resource, args.name);
        const provider = args.opts.provider;
        if (provider) recorded.providerOf.set(args.name, providerNames.get(provider) ?? "(unknown provider)");
        return undefined;
      });
      return runProgram();
    },
    {
      stack: "prod",
      config,
      invokes: {
        [GET_ORGANIZATION_INVOKE]: () => {
          recorded.organizationReads++;
          return { masterAccountId: MANAGEMENT_ACCOUNT_ID };
        },
        [DESCENDANT_OUS_INVOKE]: ({ parentId }) => {
          recorded.askedFor.push(String(parentId));
          const below = descendants[String(parentId)] ?? [];
          return { childrens: below.map((id) => ({ id, arn: `arn:aws:organizations::o/${id}`, name: id })) };
        },
      },
    },
  );
}

const nothingRecorded = (): Recorded => ({
  providerOf: new Map(),
  constructed: 0,
  askedFor: [],
  organizationReads: 0,
});

/** Runs `runProgram` for `config`; Organizations answers with `descendants` (OU → OUs below it, any depth). */
export async function runStack(
  config: Record<string, string>,
  descendants: Record<string, string[]> = {},
): Promise<MockRun & Recorded> {
  const recorded = nothingRecorded();
  return { ...(await execute(config, descendants, recorded)), ...recorded };
}

/** The same, for a program expected to refuse: what it threw and what it had constructed by then. */
export async function refusal(
  config: Record<string, string>,
  descendants: Record<string, string[]> = {},
): Promise<Recorded & { error: unknown }> {
  const recorded = nothingRecorded();
  try {
    await execute(config, descendants, recorded);
  } catch (error) {
    return { ...recorded, error };
  }
  throw new Error("expected the program to refuse the config");
}

export function ofType(resources: DeclaredResource[], type: string): DeclaredResource[] {
  return resources.filter((r) => r.type === type);
}
