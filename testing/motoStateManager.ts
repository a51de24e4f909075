// What tests put into the test moto's State Manager (testing/motoStateManager.py): managed nodes (moto's own EC2
// instances, Linux and Windows), the fallback-user association as the RunShell StackSet creates it, and the
// results of its runs on the nodes, which only a real agent could report (the extension's seeding endpoint).
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateAssociationCommand, SSMClient, type CreateAssociationCommandInput } from "@aws-sdk/client-ssm";
import { runShellTemplate } from "../components/runShell/template";
import { RUN_AS_DEFAULT_USER_PARAMETER } from "../policypack/rules/names";
import { NEWEST_NODEJS_RUNTIME } from "../policypack/rules/values";
import { accountCredentials } from "./moto";

/** Images moto ships in every region: Amazon Linux (no platform) and Windows Server (platform `windows`). */
const LINUX_IMAGE = "ami-760aaa0f";
const WINDOWS_IMAGE = "ami-03cf127a";

export type AssociationStatus = "Pending" | "Success" | "Failed";

export interface Cell {
  endpoint: string;
  accountId: string;
  region: string;
}

/** What an SDK client needs to work in the cell's account and region on moto. */
export const cellClientConfig = async ({ endpoint, accountId, region }: Cell) => ({
  endpoint,
  region,
  credentials: await accountCredentials(endpoint, accountId),
});

/** Starts running EC2 instances, which the extension lists as managed nodes; returns their ids by platform. */
export async function seedManagedNodes(
  cell: Cell,
  counts: { linux: number; windows?: number },
): Promise<{ linux: string[]; windows: string[] }> {
  const ec2 = new EC2Client(await cellClientConfig(cell));
  const run = async (ImageId: string, count: number) =>
    count === 0
      ? []
      : (
          (await ec2.send(new RunInstancesCommand({ ImageId, MinCount: count, MaxCount: count })))
            .Instances ?? []
        ).map(({ InstanceId }) => InstanceId!);
  return {
    linux: await run(LINUX_IMAGE, counts.linux),
    windows: await run(WINDOWS_IMAGE, counts.windows ?? 0),
  };
}

/** Replaces `${parameter}` in every Fn::Sub, as CloudFormation does with the stack's parameters. */
function substituted(value: unknown, parameters: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituted(item, parameters));
  if (typeof value !== "object" || value === null) return value;
  const text = (value as { "Fn::Sub"?: unknown })["Fn::Sub"];
  if (typeof text === "string") {
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (!(name in parameters)) throw new Error(`Fn::Sub: no value for \${${name}}`);
      return parameters[name];
    });
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituted(item, parameters)]));
}

/**
 * CreateAssociation's input for the RunShell template's fallback-user association, with `user` as the stack's
 * RunAsDefaultUser. The writer's code plays no part in the association, so none is rendered.
 */
export function fallbackUserAssociationInput(user: string): CreateAssociationCommandInput {
  const template = runShellTemplate(
    { code: "", runtime: NEWEST_NODEJS_RUNTIME },
    { ensureFallbackUser: true },
  );
  const association = Object.values(template.Resources).find(({ Type }) => Type === "AWS::SSM::Association");
  if (!association) throw new Error("the RunShell template holds no AWS::SSM::Association");
  return substituted(association.Properties, {
    [RUN_AS_DEFAULT_USER_PARAMETER]: user,
  }) as CreateAssociationCommandInput;
}

/** Creates the fallback-user association in the account × region as the StackSet does; returns its id. */
export async function createFallbackUserAssociation(cell: Cell, user: string): Promise<string> {
  const ssm = new SSMClient(await cellClientConfig(cell));
  const created = await ssm.send(new CreateAssociationCommand(fallbackUserAssociationInput(user)));
  return created.AssociationDescription!.AssociationId!;
}

/** What the association's last run reported on each instance (the agent's part, seeded). */
export async function seedAssociationResults(
  { endpoint, accountId, region }: Cell,
  association: string,
  results: Record<string, AssociationStatus>,
): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/static/ssm/association-results`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account_id: accountId, region, association, results }),
  });
  if (!response.ok) {
    throw new Error(`association results: HTTP ${response.status}: ${await response.text()}`);
  }
}

/** The same status for every instance listed. */
export const resultsFor = (
  instances: string[],
  status: AssociationStatus,
): Record<string, AssociationStatus> => Object.fromEntries(instances.map((id) => [id, status]));
