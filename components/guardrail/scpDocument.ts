// The two SCPs that keep RunAs in force in every member account. Pure: options in, minified policy text out, so
// the component, synth and the IAM-simulator tests all read the very characters AWS Organizations will store.
//
// - the RunShell guardrail keeps SSM-SessionManagerRunShell, the writer that sets it, and every principal the
//   SCPs exempt as ssm-runas-sync and the platform's pipelines deployed them;
// - the session guardrail keeps sessions on that document: no other Session document, no self-chosen
//   SSMSessionRunAs tag, no region without the document, no change to the association that creates the fallback
//   user sessions land as, no delegated administrator rewriting the StackSet or the ABAC mapping.
//
// Every exemption is a door, so every exempt principal is itself protected by a statement that exempts only the
// principals that manage it (docs/threat-model.md walks through each).
import {
  ASSOCIATION_ARN_PATTERN,
  CONFIG_NAMESPACE,
  documentArnPattern,
  IDENTITY_CENTER_ROLE_ARN_PATTERN,
  RECONCILE_RULE_ARN_PATTERNS,
  RUN_AS_TAG_KEY,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  RUNSHELL_STACK_ARN_PATTERN,
  IDENTITY_CENTER_RESERVED_ROLE_ARN_PATTERN,
  MANAGED_TAG_KEY,
  IDENTITY_CENTER_SAML_PROVIDER_ARN_PATTERN,
  STACKSET_ARN_PATTERNS,
  SESSION_GUARDRAIL_POLICY_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_FUNCTION_NAME,
  WRITER_LOG_GROUP_ARN_PATTERNS,
  WRITER_ROLE_ARN_PATTERN,
  WRITER_ROLE_PATH,
} from "../../policypack/rules/names";
import {
  ABAC_WRITE_ACTIONS,
  ASSOCIATION_OPEN_ACTIONS,
  IDENTITY_CENTER_FEDERATION_ACTIONS,
  DOCUMENT_WRITE_ACTIONS,
  READ_ACTIONS,
  RUN_AS_TAGGING_ACTIONS,
  SESSION_ACTIONS,
  SESSION_DOCUMENT_WRITE_ACTIONS,
  SESSION_TARGET_ARN_PATTERNS,
} from "../../policypack/rules/scpActions";
import { DEFAULT_MAX_SCP_CHARACTERS, SCP_MAX_CHARACTERS } from "../../policypack/rules/values";

// The writer role's own path, whole: its name is generated, so the path is what the SCP exempts and protects.
const WRITER_ROLE_RESOURCE_PATTERNS = [`arn:aws:iam::*:role${WRITER_ROLE_PATH}*`];

// The unqualified ARN and every version or alias of it (`function:name:qualifier`).
const WRITER_FUNCTION_RESOURCE_PATTERNS = [
  `arn:aws:lambda:*:*:function:${WRITER_FUNCTION_NAME}`,
  `arn:aws:lambda:*:*:function:${WRITER_FUNCTION_NAME}:*`,
];

export interface ScpOptions {
  /** Principals besides the writer that may write the document (LZA's Session Manager settings role). */
  exceptionPrincipalArns: readonly string[];
  /**
   * The role the StackSet's stacks run as (stack config `stackSetExecutionRoleArnPattern`): the only principal
   * that manages the writer. `stacksets-exec-*` for service-managed StackSets; LZA's self-managed ones run as
   * `AWSCloudFormationStackSetExecutionRole` or the entry's `executionRoleName`.
   */
  stackSetExecutionRoleArnPattern: string;
  /**
   * The pipeline roles that deploy (stack config `deployPrincipalArns`): they alone change the StackSet and the
   * ABAC configuration from a member account (a delegated administrator), and manage the exempt roles.
   */
  deployPrincipalArns: readonly string[];
  /**
   * The CloudFormation stacks that hold the exception principals (stack config `exceptionStackArnPatterns`, e.g.
   * LZA's `AWSAccelerator-SecurityResourcesStack-*`): only the exempt principals may change them.
   */
  exceptionStackArnPatterns?: readonly string[];
  /** Where sessions may start (stack config `regions`), when `restrictSessionRegions`. */
  regions: readonly string[];
  restrictSessionRegions: boolean;
  /** Session documents besides SSM-SessionManagerRunShell that sessions may use. */
  allowedSessionDocuments: readonly string[];
}

type Condition = Record<string, Record<string, string | string[]>>;

interface DenyStatement {
  Sid: string;
  Effect: "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Condition;
}

export interface ScpPolicy {
  Version: "2012-10-17";
  Statement: DenyStatement[];
}

export interface ScpDocument {
  /** The policy's name in AWS Organizations, and its file name under synth's `scp/`. */
  name: string;
  description: string;
  policy: ScpPolicy;
}

const unique = (values: readonly string[]) => [...new Set(values)];

// ArnNotLike is true when the key is absent, so a request without aws:PrincipalArn is denied too. No exempt
// principal: no condition, the statement denies everyone.
const unlessPrincipal = (exempt: readonly string[]): Condition =>
  exempt.length === 0 ? {} : { ArnNotLike: { "aws:PrincipalArn": unique(exempt) } };

function withCondition(statement: DenyStatement, condition: Condition = {}): DenyStatement {
  return Object.keys(condition).length === 0 ? statement : { ...statement, Condition: condition };
}

function deny(sid: string, actions: readonly string[], resources: readonly string[], condition?: Condition) {
  return withCondition(
    { Sid: sid, Effect: "Deny", Action: unique(actions), Resource: unique(resources) },
    condition,
  );
}

/** Denies everything but reads on `resources`: new write actions AWS adds later are denied too. */
function denyAllButReads(
  sid: string,
  resources: readonly string[],
  exempt: readonly string[],
): DenyStatement {
  return withCondition(
    { Sid: sid, Effect: "Deny", NotAction: [...READ_ACTIONS], Resource: unique(resources) },
    unlessPrincipal(exempt),
  );
}

/** The Lambda functions, and their versions and aliases, named like a role pattern without a path. */
function functionsNamedLike(roleArnPattern: string): string[] {
  const name = roleArnPattern.split(":role/")[1];
  if (!name || name.includes("/")) return [];
  const fn = `arn:aws:lambda:*:*:function:${name}`;
  return name.endsWith("*") ? [fn] : [fn, `${fn}:*`];
}

/** Service-managed StackSets create their execution role themselves; a self-managed one's comes from a pipeline. */
export function isServiceManagedRole(stackSetExecutionRoleArnPattern: string): boolean {
  return stackSetExecutionRoleArnPattern === STACKSET_EXECUTION_ROLE_ARN_PATTERN;
}

function runShellGuardrail(options: ScpOptions): ScpDocument {
  const stackSetRole = options.stackSetExecutionRoleArnPattern;
  const managers = unique([...options.exceptionPrincipalArns, ...options.deployPrincipalArns]);
  const statements = [
    // The writer role actually writes the document; LZA's settings role rewrites it too.
    deny(
      "RunShellDocument",
      DOCUMENT_WRITE_ACTIONS,
      [RUN_SHELL_DOCUMENT_ARN_PATTERN],
      unlessPrincipal([WRITER_ROLE_ARN_PATTERN, stackSetRole, ...options.exceptionPrincipalArns]),
    ),
    // Only the StackSet manages the writer: not the writer itself (a compromised function must not rewrite its
    // own trust policy) and not LZA. Assuming or passing the role is using it, and is denied the same way.
    denyAllButReads("WriterRole", WRITER_ROLE_RESOURCE_PATTERNS, [stackSetRole]),
    // Whoever could create or change a role matching the StackSet role's pattern would be exempt from everything
    // here. StackSets create `stacksets-exec-*` through a service-linked role, which no SCP restricts; a
    // self-managed StackSet's role is the platform pipeline's to manage.
    denyAllButReads(
      "StackSetRole",
      [stackSetRole],
      isServiceManagedRole(stackSetRole) ? [stackSetRole] : [stackSetRole, ...options.deployPrincipalArns],
    ),
    // The function, its reconcile rules and the stack that holds them: CloudFormation invokes the custom resource
    // as the StackSet role; EventBridge invokes through the function's resource policy, as a service principal.
    denyAllButReads(
      "Writer",
      [...WRITER_FUNCTION_RESOURCE_PATTERNS, ...RECONCILE_RULE_ARN_PATTERNS, RUNSHELL_STACK_ARN_PATTERN],
      [stackSetRole],
    ),
    // The writer's log group: no one creates it first (the stack would fail on the taken name), deletes, rewrites
    // or forges it; the function writes its logs as the writer role.
    denyAllButReads("WriterLogs", WRITER_LOG_GROUP_ARN_PATTERNS, [stackSetRole, WRITER_ROLE_ARN_PATTERN]),
  ];
  // The further exempt principals are doors too: only they manage one another. So are the functions that run
  // as an exempt document writer: LZA's settings role is its custom resource's Lambda role, and CloudFormation
  // names that function like the role (stack and logical-id prefixes); updating a function's code needs no
  // iam:PassRole, so its code, configuration and invocation are the settings role's.
  // The stacks that hold them likewise: a stack keeps running as its service role on an update, with no
  // iam:PassRole, so whoever may update LZA's stack may put anything in it that runs as the exempt roles.
  if (managers.length > 0) {
    statements.push(
      denyAllButReads(
        "ExemptRoles",
        [
          ...managers,
          ...options.exceptionPrincipalArns.flatMap(functionsNamedLike),
          ...(options.exceptionStackArnPatterns ?? []),
        ],
        managers,
      ),
    );
  }
  return {
    name: RUNSHELL_GUARDRAIL_POLICY_NAME,
    description: `ssm-runas-sync: only the writer and listed exceptions change ${RUN_SHELL_DOCUMENT_NAME}; only the StackSet changes the writer; exempt roles are protected`,
    policy: { Version: "2012-10-17", Statement: statements },
  };
}

function sessionGuardrail(options: ScpOptions): ScpDocument {
  const names = [RUN_SHELL_DOCUMENT_NAME, ...options.allowedSessionDocuments];
  const documents = names.map(documentArnPattern);
  // AWS-owned documents (the `AWS-` prefix is reserved) belong to no account of the organisation.
  const ownDocuments = names.filter((name) => !name.startsWith("AWS-")).map(documentArnPattern);
  const documentWriters = [
    WRITER_ROLE_ARN_PATTERN,
    options.stackSetExecutionRoleArnPattern,
    ...options.exceptionPrincipalArns,
  ];
  const statements = [
    // Sessions run on the account's RunShell document (or an allowed one), against instances, managed
    // instances and ECS tasks; any other document — Standard_Stream with RunAs off, InteractiveCommands as root,
    // AWS-StartSSHSession — is denied.
    {
      Sid: "SessionDocuments",
      Effect: "Deny" as const,
      Action: [...SESSION_ACTIONS],
      NotResource: [...documents, ...SESSION_TARGET_ARN_PATTERNS],
    },
    // …and only the account's own: a document of that name shared from another account is denied.
    deny("ForeignDocuments", SESSION_ACTIONS, ownDocuments, {
      StringNotEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" },
    }),
    // No new Session documents to try, except by the principals that write the RunShell document.
    deny("SessionDocumentTypes", SESSION_DOCUMENT_WRITE_ACTIONS, ["*"], {
      StringEquals: { "ssm:DocumentType": "Session" },
      ...unlessPrincipal(documentWriters),
    }),
    // The RunAs user comes from Identity Center's session tags alone: no principal sets the tag itself…
    deny("RunAsTag", RUN_AS_TAGGING_ACTIONS, ["*"], {
      "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": [RUN_AS_TAG_KEY] },
    }),
    // …and a principal that carries it anyway (tagged before this SCP) starts no session unless it is an
    // Identity Center role.
    deny("RunAsTagged", SESSION_ACTIONS, ["*"], {
      Null: { [`aws:PrincipalTag/${RUN_AS_TAG_KEY}`]: "false" },
      ...unlessPrincipal([IDENTITY_CENTER_ROLE_ARN_PATTERN]),
    }),
  ];
  // The fallback-user association: CloudFormation changes and deletes it as the StackSet role, and the writer
  // (whose code and role only the StackSet role changes) tags it and writes the template's properties over it.
  // Here rather than in the RunShell guardrail, which grows three times as fast with each exception pattern.
  statements.push(
    withCondition(
      {
        Sid: "FallbackUserAssociation",
        Effect: "Deny",
        NotAction: [...ASSOCIATION_OPEN_ACTIONS],
        Resource: [ASSOCIATION_ARN_PATTERN],
      },
      {
        Null: { [`aws:ResourceTag/${MANAGED_TAG_KEY}`]: "false" },
        ...unlessPrincipal([options.stackSetExecutionRoleArnPattern, WRITER_ROLE_ARN_PATTERN]),
      },
    ),
  );
  if (options.restrictSessionRegions) {
    // A region without the document runs sessions as ssm-user.
    statements.push(
      deny("SessionRegions", SESSION_ACTIONS, ["*"], {
        StringNotEquals: { "aws:RequestedRegion": [...options.regions] },
      }),
    );
  }
  // Identity Center's own federation: its SAML provider and its reserved role path. Whoever could replace the
  // provider could sign in as an Identity Center role with any SSMSessionRunAs tag. Identity Center manages both
  // through its service-linked role, which no SCP restricts.
  statements.push(
    deny("IdentityCenterFederation", IDENTITY_CENTER_FEDERATION_ACTIONS, [
      IDENTITY_CENTER_SAML_PROVIDER_ARN_PATTERN,
      IDENTITY_CENTER_RESERVED_ROLE_ARN_PATTERN,
    ]),
  );
  // A delegated administrator could otherwise rewrite the RunShell StackSet, or create any StackSet (every
  // StackSet's stacks run as the exempt StackSet role), or the ABAC mapping; the management account, which no
  // SCP restricts, is not affected.
  statements.push(
    denyAllButReads("StackSets", STACKSET_ARN_PATTERNS, options.deployPrincipalArns),
    deny("AbacConfiguration", ABAC_WRITE_ACTIONS, ["*"], unlessPrincipal(options.deployPrincipalArns)),
  );
  return {
    name: SESSION_GUARDRAIL_POLICY_NAME,
    description: `ssm-runas-sync: sessions start on ${RUN_SHELL_DOCUMENT_NAME} only, with Identity Center's ${RUN_AS_TAG_KEY}, in managed regions; only the StackSet changes the fallback-user association`,
    policy: { Version: "2012-10-17", Statement: statements },
  };
}

/** Both SCPs as objects. Who is exempt where is the point of the whole guardrail (docs/threat-model.md). */
export function scpPolicies(options: ScpOptions): ScpDocument[] {
  return [runShellGuardrail(options), sessionGuardrail(options)];
}

/** The document exactly as AWS Organizations stores it: minified, since every character counts. */
export function renderScp(document: ScpDocument): string {
  return JSON.stringify(document.policy);
}

/** One line naming the policy, its size and the budget, or undefined when it fits. */
export function scpSizeError(
  name: string,
  content: string,
  budget = DEFAULT_MAX_SCP_CHARACTERS,
): string | undefined {
  if (content.length <= budget) return undefined;
  return (
    `the SCP ${name} is ${content.length} characters, above the budget of ${budget} ` +
    `(AWS Organizations documents ${SCP_MAX_CHARACTERS}): shorten or merge the ${CONFIG_NAMESPACE}:` +
    "scpExceptionPrincipalArns, deployPrincipalArns or allowedSessionDocuments entries"
  );
}
