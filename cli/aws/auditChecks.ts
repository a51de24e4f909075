// The audit's reads beyond the RunShell document, all read-only: the account × region's own Session documents
// (ssm:ListDocuments, ssm:GetDocument), the writer (lambda:GetFunctionConfiguration, events:DescribeRule,
// events:ListTargetsByRule), the account's enabled regions (ec2:DescribeRegions), the fallback-user association
// and the Linux managed nodes (ssm:ListAssociations, ssm:DescribeAssociation,
// ssm:DescribeInstanceInformation), and, with the caller's own
// credentials, the SCPs on the account's path (organizations:ListRoots, organizations:ListPoliciesForTarget),
// cached per target. What they mean is ../auditChecks' job.
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from "@aws-sdk/client-eventbridge";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ListRootsCommand,
  OrganizationsClient,
  paginateListPoliciesForTarget,
} from "@aws-sdk/client-organizations";
import {
  DescribeAssociationCommand,
  GetDocumentCommand,
  paginateDescribeInstanceInformation,
  paginateListAssociations,
  paginateListDocuments,
  SSMClient,
} from "@aws-sdk/client-ssm";
import {
  FALLBACK_USER_ASSOCIATION_NAME,
  RUN_SHELL_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
} from "../../policypack/rules/names";
import {
  RECONCILE_RULE_NAMES,
  type AssociationScript,
  type CheckRead,
  type FallbackUserState,
  type GuardrailState,
  type ReconcileRule,
  type SessionDocument,
  type WriterState,
} from "../auditChecks";
import { describeError } from "../errors";
import { clientFor, type Credentials } from "./clients";

const failed = (operation: string, err: unknown) => ({
  kind: "failed" as const,
  reason: `${operation}: ${describeError(err)}`,
});
const isNotFound = (err: unknown) => (err as Error).name === "ResourceNotFoundException";

/** The account's own Session documents in the region, but the RunShell document and the `allowed` ones. */
export async function readSessionDocuments(
  region: string,
  credentials: Credentials | undefined,
  allowed: readonly string[],
): Promise<CheckRead<SessionDocument[]>> {
  const ssm = clientFor(SSMClient, region, credentials);
  const names = new Set<string>();
  try {
    const filters = [
      { Key: "Owner", Values: ["Self"] },
      { Key: "DocumentType", Values: ["Session"] },
    ];
    for await (const page of paginateListDocuments({ client: ssm, pageSize: 50 }, { Filters: filters })) {
      for (const { Name } of page.DocumentIdentifiers ?? []) {
        if (Name && Name !== RUN_SHELL_DOCUMENT_NAME && !allowed.includes(Name)) names.add(Name);
      }
    }
  } catch (err) {
    return failed("ListDocuments", err);
  }
  const documents: SessionDocument[] = [];
  for (const name of [...names].sort()) {
    try {
      const { Content } = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: "JSON" }));
      documents.push({ name, content: Content ?? "" });
    } catch (err) {
      return failed(`GetDocument ${name}`, err);
    }
  }
  return { kind: "read", value: documents };
}

/** The writer function and its two reconcile rules in one account × region. */
export async function readWriter(
  region: string,
  credentials: Credentials | undefined,
  functionArn: string,
): Promise<CheckRead<WriterState>> {
  const lambda = clientFor(LambdaClient, region, credentials);
  const events = clientFor(EventBridgeClient, region, credentials);
  const readFunction = async (): Promise<WriterState["function"]> => {
    try {
      const config = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: WRITER_FUNCTION_NAME }),
      );
      return {
        arn: config.FunctionArn ?? functionArn,
        state: config.State,
        environment: { ...config.Environment?.Variables },
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw Object.assign(new Error(describeError(err)), { operation: "GetFunctionConfiguration" });
    }
  };
  const readRule = async (name: string): Promise<ReconcileRule> => {
    let state: string | null;
    try {
      state = (await events.send(new DescribeRuleCommand({ Name: name }))).State ?? null;
    } catch (err) {
      if (isNotFound(err)) return { name, state: null, targetArns: [] };
      throw Object.assign(new Error(describeError(err)), { operation: `DescribeRule ${name}` });
    }
    try {
      // Five targets at most per rule here: one page.
      const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: name }));
      return { name, state, targetArns: (Targets ?? []).flatMap(({ Arn }) => (Arn ? [Arn] : [])) };
    } catch (err) {
      throw Object.assign(new Error(describeError(err)), { operation: `ListTargetsByRule ${name}` });
    }
  };
  try {
    const [fn, ...rules] = await Promise.all([readFunction(), ...RECONCILE_RULE_NAMES.map(readRule)]);
    return { kind: "read", value: { function: fn, functionArn: fn?.arn ?? functionArn, rules } };
  } catch (err) {
    return {
      kind: "failed",
      reason: `${(err as { operation: string }).operation}: ${(err as Error).message}`,
    };
  }
}

/**
 * The fallback-user association's successful targets (its Overview's aggregated count), what it runs, and the
 * Linux managed nodes in one account × region: two paginated reads whatever the number of nodes
 * (DescribeInstanceInformation takes at most 50 a page), and one DescribeAssociation per association of that name.
 */
export async function readFallbackUser(
  region: string,
  credentials: Credentials | undefined,
): Promise<CheckRead<FallbackUserState>> {
  const ssm = clientFor(SSMClient, region, credentials);
  let succeeded: number | null = null;
  const ids: string[] = [];
  try {
    const filter = [{ key: "AssociationName" as const, value: FALLBACK_USER_ASSOCIATION_NAME }];
    for await (const page of paginateListAssociations({ client: ssm }, { AssociationFilterList: filter })) {
      for (const { AssociationName, AssociationId, Overview } of page.Associations ?? []) {
        // The API reference does not say whether the name filter matches exactly: only the exact name counts.
        if (AssociationName !== FALLBACK_USER_ASSOCIATION_NAME) continue;
        succeeded = (succeeded ?? 0) + (Overview?.AssociationStatusAggregatedCount?.Success ?? 0);
        if (AssociationId) ids.push(AssociationId);
      }
    }
  } catch (err) {
    return failed("ListAssociations", err);
  }
  // ListAssociations leaves the parameters out: what the association runs is DescribeAssociation's.
  const scripts: AssociationScript[] = [];
  try {
    for (const AssociationId of ids) {
      const { AssociationDescription } = await ssm.send(new DescribeAssociationCommand({ AssociationId }));
      scripts.push({
        document: AssociationDescription?.Name ?? "",
        commands: AssociationDescription?.Parameters?.commands ?? [],
      });
    }
  } catch (err) {
    return failed("DescribeAssociation", err);
  }
  let linuxNodes = 0;
  try {
    const filters = [{ Key: "PlatformTypes", Values: ["Linux"] }];
    for await (const page of paginateDescribeInstanceInformation(
      { client: ssm, pageSize: 50 },
      { Filters: filters },
    )) {
      linuxNodes += page.InstanceInformationList?.length ?? 0;
    }
  } catch (err) {
    return failed("DescribeInstanceInformation", err);
  }
  return { kind: "read", value: { succeeded, linuxNodes, scripts } };
}

export interface EnabledRegion {
  name: string;
  optInStatus?: string;
}

/** The regions enabled in the account (DescribeRegions asked from `region`, without the disabled ones). */
export async function readEnabledRegions(
  region: string,
  credentials: Credentials | undefined,
): Promise<CheckRead<EnabledRegion[]>> {
  try {
    const { Regions } = await clientFor(EC2Client, region, credentials).send(
      new DescribeRegionsCommand({ AllRegions: false }),
    );
    return {
      kind: "read",
      value: (Regions ?? []).flatMap(({ RegionName, OptInStatus }) =>
        RegionName ? [{ name: RegionName, optInStatus: OptInStatus }] : [],
      ),
    };
  } catch (err) {
    return failed("DescribeRegions", err);
  }
}

/**
 * Reads the guardrail of accounts through the management-side Organizations API: ListRoots once (is the SCP
 * policy type enabled?) and ListPoliciesForTarget once per root, OU and account, however many accounts share
 * them.
 */
export function guardrailReader(org: OrganizationsClient, managementAccountId: string | undefined) {
  const policiesOf = new Map<string, Promise<string[]>>();
  let scpEnabledOnRoots: Promise<Map<string, boolean>> | undefined;
  const attachedTo = (targetId: string) => {
    let names = policiesOf.get(targetId);
    if (!names) {
      names = (async () => {
        const found: string[] = [];
        const paging = { client: org, pageSize: 20 };
        for await (const page of paginateListPoliciesForTarget(paging, {
          TargetId: targetId,
          Filter: "SERVICE_CONTROL_POLICY",
        })) {
          for (const { Name } of page.Policies ?? []) if (Name) found.push(Name);
        }
        return found;
      })().catch((err) => {
        throw new Error(`ListPoliciesForTarget ${targetId}: ${describeError(err)}`);
      });
      policiesOf.set(targetId, names);
    }
    return names;
  };
  const rootsWithScp = () => {
    scpEnabledOnRoots ??= (async () => {
      const { Roots } = await org.send(new ListRootsCommand({}));
      return new Map(
        (Roots ?? []).map((root) => [
          root.Id ?? "",
          (root.PolicyTypes ?? []).some(
            ({ Type, Status }) => Type === "SERVICE_CONTROL_POLICY" && Status === "ENABLED",
          ),
        ]),
      );
    })().catch((err) => {
      throw new Error(`ListRoots: ${describeError(err)}`);
    });
    return scpEnabledOnRoots;
  };
  return async (accountId: string, ouPath: readonly string[]): Promise<CheckRead<GuardrailState>> => {
    if (accountId === managementAccountId) return { kind: "read", value: { kind: "management" } };
    try {
      const roots = await rootsWithScp();
      const scpEnabled = roots.get(ouPath[0] ?? "") ?? false;
      if (!scpEnabled) return { kind: "read", value: { kind: "member", scpEnabled, attached: [] } };
      const attached = (await Promise.all([...ouPath, accountId].map(attachedTo))).flat();
      return { kind: "read", value: { kind: "member", scpEnabled, attached: [...new Set(attached)] } };
    } catch (err) {
      return { kind: "failed", reason: (err as Error).message };
    }
  };
}
