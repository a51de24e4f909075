// State Manager reads the audit's --fallback-user makes and moto 5.2.1 lacks (ssm:ListAssociations,
// ssm:DescribeAssociation and ssm:DescribeInstanceInformation answer "not implemented"): aws-sdk-client-mock answers those with the
// response shapes of the SSM API reference, per region, and passes every other SSM call through to moto.
import {
  DescribeAssociationCommand,
  DescribeInstanceInformationCommand,
  ListAssociationsCommand,
  SSMClient,
  type DescribeAssociationCommandInput,
  type DescribeInstanceInformationCommandInput,
  type ListAssociationsCommandInput,
} from "@aws-sdk/client-ssm";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { fallbackUserScriptLines } from "../../components/runShell/fallbackUserScript";
import { FALLBACK_USER_ASSOCIATION_NAME } from "../../policypack/rules/names";

/** The fallback user of both example stacks, whose script the stand-in's association runs unless told otherwise. */
export const STACKS_FALLBACK_USER = "ssm-fallback";
const ASSOCIATION_ID = "8dfe3659-4309-493a-8755-0123456789ab";

/** What one region holds: the association's successful targets (null: no association), and its Linux nodes. */
export interface RegionNodes {
  succeeded: number | null;
  linuxNodes: number;
  /** Windows nodes, which DescribeInstanceInformation's PlatformTypes=Linux filter leaves out. */
  windowsNodes?: number;
  /** The association's commands (default: the script that creates STACKS_FALLBACK_USER). */
  commands?: string[];
}

const regionOf = async (client: SSMClient) => client.config.region();

/** Two pages of 50 at most, as DescribeInstanceInformation pages them. */
function instancePage(nodes: RegionNodes, input: DescribeInstanceInformationCommandInput) {
  const platforms = input.Filters?.find(({ Key }) => Key === "PlatformTypes")?.Values;
  const all = [
    ...Array.from({ length: nodes.linuxNodes }, () => "Linux"),
    ...Array.from({ length: nodes.windowsNodes ?? 0 }, () => "Windows"),
  ]
    .map((PlatformType, i) => ({
      InstanceId: `i-${String(i).padStart(17, "0")}`,
      PingStatus: "Online",
      PlatformType,
      ResourceType: "EC2Instance",
    }))
    .filter(({ PlatformType }) => !platforms || platforms.includes(PlatformType));
  const start = Number(input.NextToken ?? 0);
  const size = input.MaxResults ?? 50;
  const next = start + size < all.length ? String(start + size) : undefined;
  return { InstanceInformationList: all.slice(start, start + size), NextToken: next };
}

function associationsPage(nodes: RegionNodes, input: ListAssociationsCommandInput) {
  const wanted = input.AssociationFilterList?.find(({ key }) => key === "AssociationName")?.value;
  if (nodes.succeeded === null || (wanted && wanted !== FALLBACK_USER_ASSOCIATION_NAME)) {
    return { Associations: [] };
  }
  const failed = nodes.linuxNodes - nodes.succeeded + (nodes.windowsNodes ?? 0);
  return {
    Associations: [
      {
        AssociationId: ASSOCIATION_ID,
        AssociationName: FALLBACK_USER_ASSOCIATION_NAME,
        AssociationVersion: "1",
        Name: "AWS-RunShellScript",
        Targets: [{ Key: "InstanceIds", Values: ["*"] }],
        ScheduleExpression: "rate(1 day)",
        Overview: {
          Status: failed > 0 ? "Failed" : "Success",
          DetailedStatus: failed > 0 ? "Failed" : "Success",
          AssociationStatusAggregatedCount: {
            ...(nodes.succeeded > 0 ? { Success: nodes.succeeded } : {}),
            ...(failed > 0 ? { Failed: failed } : {}),
          },
        },
      },
    ],
  };
}

function associationDescription(nodes: RegionNodes, input: DescribeAssociationCommandInput) {
  if (nodes.succeeded === null || input.AssociationId !== ASSOCIATION_ID) {
    throw Object.assign(new Error("AssociationDoesNotExist"), { name: "AssociationDoesNotExist" });
  }
  return {
    AssociationDescription: {
      AssociationId: ASSOCIATION_ID,
      AssociationName: FALLBACK_USER_ASSOCIATION_NAME,
      Name: "AWS-RunShellScript",
      Targets: [{ Key: "InstanceIds", Values: ["*"] }],
      Parameters: { commands: nodes.commands ?? fallbackUserScriptLines(STACKS_FALLBACK_USER) },
    },
  };
}

/** Installs the stand-in; `restore()` it after the test. */
export function mockStateManager(byRegion: (region: string) => RegionNodes): AwsClientStub<SSMClient> {
  const ssm = mockClient(SSMClient);
  // Everything else reaches moto as usual.
  ssm.send.callThrough();
  ssm
    .on(ListAssociationsCommand)
    .callsFake(async (input: ListAssociationsCommandInput, getClient: () => SSMClient) =>
      associationsPage(byRegion(await regionOf(getClient())), input),
    );
  ssm
    .on(DescribeAssociationCommand)
    .callsFake(async (input: DescribeAssociationCommandInput, getClient: () => SSMClient) =>
      associationDescription(byRegion(await regionOf(getClient())), input),
    );
  ssm
    .on(DescribeInstanceInformationCommand)
    .callsFake(async (input: DescribeInstanceInformationCommandInput, getClient: () => SSMClient) =>
      instancePage(byRegion(await regionOf(getClient())), input),
    );
  return ssm;
}
