import { expect } from "chai";
import {
  IDENTITY_CENTER_ROLE_ARN_PATTERN,
  LZA_EXCEPTION_PRINCIPALS,
  MANAGED_TAG_KEY,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_ROLE_ARN_PATTERN,
} from "../../../policypack/rules/names";
import { SESSION_TARGET_ARN_PATTERNS } from "../../../policypack/rules/scpActions";
import {
  isServiceManagedRole,
  renderScp,
  scpPolicies,
  scpSizeError,
  type ScpDocument,
  type ScpOptions,
} from "../../../components/guardrail/scpDocument";
import { DEFAULT_MAX_SCP_CHARACTERS, SCP_MAX_CHARACTERS } from "../../../policypack/rules/values";
import { prodScpOptions } from "./prodScpOptions";

const LZA_SETTINGS = LZA_EXCEPTION_PRINCIPALS;
const DEPLOY = ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role", "arn:aws:iam::*:role/cdk-accel-*"];
const LZA_EXECUTION_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
const OPTIONS: ScpOptions = {
  exceptionPrincipalArns: LZA_SETTINGS,
  stackSetExecutionRoleArnPattern: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  deployPrincipalArns: DEPLOY,
  regions: ["eu-west-1", "us-east-1"],
  restrictSessionRegions: true,
  allowedSessionDocuments: [],
};

const byName = (documents: ScpDocument[], name: string) => {
  const document = documents.find((d) => d.name === name);
  if (!document) throw new Error(`no policy ${name}`);
  return document;
};
const runShell = (options: ScpOptions = OPTIONS) =>
  byName(scpPolicies(options), RUNSHELL_GUARDRAIL_POLICY_NAME);
const sessions = (options: ScpOptions = OPTIONS) =>
  byName(scpPolicies(options), SESSION_GUARDRAIL_POLICY_NAME);

function statement(document: ScpDocument, sid: string) {
  const found = document.policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`${document.name} has no statement ${sid}`);
  return found;
}

/** The aws:PrincipalArn patterns a statement exempts, or [] when it denies everyone. */
const exemptOf = (document: ScpDocument, sid: string) =>
  statement(document, sid).Condition?.ArnNotLike?.["aws:PrincipalArn"] ?? [];

describe("SCP documents (pure renderer)", () => {
  it("renders two policies, the RunShell guardrail first, each minified JSON as Organizations stores it", () => {
    const documents = scpPolicies(OPTIONS);
    expect(documents.map((d) => d.name)).to.deep.equal([
      RUNSHELL_GUARDRAIL_POLICY_NAME,
      SESSION_GUARDRAIL_POLICY_NAME,
    ]);
    for (const document of documents) {
      const content = renderScp(document);
      expect(content).to.equal(JSON.stringify(JSON.parse(content)));
      expect(content).not.to.match(/\s/);
      expect(JSON.parse(content)).to.deep.equal(document.policy);
      expect(document.policy.Version).to.equal("2012-10-17");
      expect(document.description.length, document.name).to.be.at.most(512);
      for (const s of document.policy.Statement) expect(s.Effect, s.Sid).to.equal("Deny");
    }
  });

  it("names its statements, uniquely, in a fixed order", () => {
    expect(runShell().policy.Statement.map((s) => s.Sid)).to.deep.equal([
      "RunShellDocument",
      "WriterRole",
      "StackSetRole",
      "Writer",
      "WriterLogs",
      "ExemptRoles",
    ]);
    expect(sessions().policy.Statement.map((s) => s.Sid)).to.deep.equal([
      "SessionDocuments",
      "ForeignDocuments",
      "SessionDocumentTypes",
      "RunAsTag",
      "RunAsTagged",
      "FallbackUserAssociation",
      "SessionRegions",
      "IdentityCenterFederation",
      "StackSets",
      "AbacConfiguration",
    ]);
  });

  it("exempts the writer, the StackSet role and the settings role from the document statements", () => {
    const writers = [WRITER_ROLE_ARN_PATTERN, STACKSET_EXECUTION_ROLE_ARN_PATTERN, ...LZA_SETTINGS];
    expect(exemptOf(runShell(), "RunShellDocument")).to.deep.equal(writers);
    expect(statement(runShell(), "RunShellDocument").Resource).to.deep.equal([
      RUN_SHELL_DOCUMENT_ARN_PATTERN,
    ]);
    expect(exemptOf(sessions(), "SessionDocumentTypes")).to.deep.equal(writers);
  });

  it("exempts only the StackSet role from the writer's role, function, rules and stack, and the writer from its logs", () => {
    for (const sid of ["WriterRole", "Writer"]) {
      expect(exemptOf(runShell(), sid), sid).to.deep.equal([STACKSET_EXECUTION_ROLE_ARN_PATTERN]);
    }
    expect(exemptOf(runShell(), "WriterLogs")).to.deep.equal([
      STACKSET_EXECUTION_ROLE_ARN_PATTERN,
      WRITER_ROLE_ARN_PATTERN,
    ]);
  });

  it("guards Identity Center's federation for everyone, and every StackSet for all but the deploy roles", () => {
    expect(statement(sessions(), "IdentityCenterFederation").Condition).to.equal(undefined);
    expect(statement(sessions(), "IdentityCenterFederation").Resource).to.deep.equal([
      "arn:aws:iam::*:saml-provider/AWSSSO_*",
      "arn:aws:iam::*:role/aws-reserved/*",
    ]);
    expect(statement(sessions(), "StackSets").Resource).to.deep.equal([
      "arn:aws:cloudformation:*:*:stackset/*",
      "arn:aws:cloudformation:*:*:stackset-target/*",
    ]);
  });

  it("protects every further exempt principal: only they manage one another", () => {
    const managers = [...LZA_SETTINGS, ...DEPLOY];
    expect(statement(runShell(), "ExemptRoles").Resource).to.deep.equal([
      ...managers,
      // LZA's settings custom resource runs as the settings role under a name CloudFormation derives alike.
      "arn:aws:lambda:*:*:function:AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*",
    ]);
    expect(exemptOf(runShell(), "ExemptRoles")).to.deep.equal(managers);
    const exact = runShell({ ...OPTIONS, exceptionPrincipalArns: ["arn:aws:iam::*:role/Settings"] });
    expect(statement(exact, "ExemptRoles").Resource).to.include.members([
      "arn:aws:lambda:*:*:function:Settings",
      "arn:aws:lambda:*:*:function:Settings:*",
    ]);
    const withPath = runShell({ ...OPTIONS, exceptionPrincipalArns: ["arn:aws:iam::*:role/team/Settings"] });
    expect(renderScp(withPath)).not.to.include("function:team");
    const none = runShell({ ...OPTIONS, exceptionPrincipalArns: [], deployPrincipalArns: [] });
    expect(none.policy.Statement.map((s) => s.Sid)).not.to.include("ExemptRoles");
  });

  it("exempts only deployPrincipalArns from the StackSet and ABAC statements, and denies everyone without them", () => {
    expect(exemptOf(sessions(), "StackSets")).to.deep.equal(DEPLOY);
    expect(exemptOf(sessions(), "AbacConfiguration")).to.deep.equal(DEPLOY);
    const none = sessions({ ...OPTIONS, deployPrincipalArns: [] });
    expect(statement(none, "StackSets").Condition).to.equal(undefined);
    expect(statement(none, "AbacConfiguration").Condition).to.equal(undefined);
  });

  it("lets only Identity Center roles start sessions carrying SSMSessionRunAs; refuses the tag in any casing", () => {
    expect(exemptOf(sessions(), "RunAsTagged")).to.deep.equal([IDENTITY_CENTER_ROLE_ARN_PATTERN]);
    expect(statement(sessions(), "RunAsTag").Condition).to.deep.equal({
      "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": ["SSMSessionRunAs"] },
    });
  });

  it("service-managed StackSet role: only the StackSet role manages itself", () => {
    expect(isServiceManagedRole(STACKSET_EXECUTION_ROLE_ARN_PATTERN)).to.equal(true);
    expect(statement(runShell(), "StackSetRole").Resource).to.deep.equal([
      STACKSET_EXECUTION_ROLE_ARN_PATTERN,
    ]);
    expect(exemptOf(runShell(), "StackSetRole")).to.deep.equal([STACKSET_EXECUTION_ROLE_ARN_PATTERN]);
  });

  it("self-managed StackSet role (LZA): exempt everywhere stacksets-exec-* was, managed by deployPrincipalArns too", () => {
    const options = { ...OPTIONS, stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE };
    expect(isServiceManagedRole(LZA_EXECUTION_ROLE)).to.equal(false);
    const document = runShell(options);
    expect(statement(document, "StackSetRole").Resource).to.deep.equal([LZA_EXECUTION_ROLE]);
    expect(exemptOf(document, "StackSetRole")).to.deep.equal([LZA_EXECUTION_ROLE, ...DEPLOY]);
    for (const sid of ["WriterRole", "Writer"]) {
      expect(exemptOf(document, sid), sid).to.deep.equal([LZA_EXECUTION_ROLE]);
    }
    expect(exemptOf(document, "WriterLogs")).to.deep.equal([LZA_EXECUTION_ROLE, WRITER_ROLE_ARN_PATTERN]);
    expect(exemptOf(document, "RunShellDocument")).to.deep.equal([
      WRITER_ROLE_ARN_PATTERN,
      LZA_EXECUTION_ROLE,
      ...LZA_SETTINGS,
    ]);
    expect(exemptOf(sessions(options), "FallbackUserAssociation")).to.deep.equal([
      LZA_EXECUTION_ROLE,
      WRITER_ROLE_ARN_PATTERN,
    ]);
    expect(renderScp(document) + renderScp(sessions(options))).not.to.include("stacksets-exec-");
  });

  it("keeps every association carrying the ssm-runas-sync tag to the StackSet role and the writer, reads, a re-run and the agents' reports aside", () => {
    const guard = statement(sessions(), "FallbackUserAssociation");
    expect(guard.Resource).to.deep.equal(["arn:aws:ssm:*:*:association/*"]);
    expect(guard.NotAction).to.deep.equal([
      "ssm:Describe*",
      "ssm:List*",
      "ssm:Get*",
      "ssm:StartAssociationsOnce",
      "ssm:UpdateInstanceAssociationStatus",
    ]);
    expect(guard.Condition).to.deep.equal({
      Null: { [`aws:ResourceTag/${MANAGED_TAG_KEY}`]: "false" },
      ArnNotLike: { "aws:PrincipalArn": [STACKSET_EXECUTION_ROLE_ARN_PATTERN, WRITER_ROLE_ARN_PATTERN] },
    });
  });

  it("lists a principal once even when configured twice or already exempt", () => {
    const document = runShell({
      ...OPTIONS,
      exceptionPrincipalArns: [...LZA_SETTINGS, LZA_SETTINGS[0], WRITER_ROLE_ARN_PATTERN],
    });
    expect(exemptOf(document, "RunShellDocument")).to.deep.equal([
      WRITER_ROLE_ARN_PATTERN,
      STACKSET_EXECUTION_ROLE_ARN_PATTERN,
      ...LZA_SETTINGS,
    ]);
  });

  it("denies sessions outside the regions, unless restrictSessionRegions is false", () => {
    expect(statement(sessions(), "SessionRegions").Condition).to.deep.equal({
      StringNotEquals: { "aws:RequestedRegion": ["eu-west-1", "us-east-1"] },
    });
    const open = sessions({ ...OPTIONS, restrictSessionRegions: false });
    expect(open.policy.Statement.map((s) => s.Sid)).not.to.include("SessionRegions");
    expect(renderScp(open)).not.to.include("aws:RequestedRegion");
  });

  it("allows sessions on the account's own RunShell document and the session targets only, by default", () => {
    expect(statement(sessions(), "SessionDocuments").NotResource).to.deep.equal([
      RUN_SHELL_DOCUMENT_ARN_PATTERN,
      ...SESSION_TARGET_ARN_PATTERNS,
    ]);
    expect(statement(sessions(), "ForeignDocuments")).to.deep.include({
      Resource: [RUN_SHELL_DOCUMENT_ARN_PATTERN],
      Condition: { StringNotEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } },
    });
  });

  it("allowedSessionDocuments adds AWS-owned documents (any account field) and custom ones (own account only)", () => {
    const document = sessions({
      ...OPTIONS,
      allowedSessionDocuments: ["AWS-StartPortForwardingSession", "Team-Shell"],
    });
    expect(statement(document, "SessionDocuments").NotResource).to.deep.equal([
      RUN_SHELL_DOCUMENT_ARN_PATTERN,
      "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession",
      "arn:aws:ssm:*:*:document/Team-Shell",
      ...SESSION_TARGET_ARN_PATTERNS,
    ]);
    // An AWS-owned document has no account to compare; a custom one must be the caller's account's.
    expect(statement(document, "ForeignDocuments").Resource).to.deep.equal([
      RUN_SHELL_DOCUMENT_ARN_PATTERN,
      "arn:aws:ssm:*:*:document/Team-Shell",
    ]);
  });

  it("fits prod's two policies within the 4,500-character budget", () => {
    const figures = scpPolicies(prodScpOptions()).map((d) => ({ name: d.name, size: renderScp(d).length }));
    console.log(
      figures
        .map(
          ({ name, size }) => `      prod ${name}: ${size} characters (budget ${DEFAULT_MAX_SCP_CHARACTERS})`,
        )
        .join("\n"),
    );
    for (const { name, size } of figures) expect(size, name).to.be.at.most(DEFAULT_MAX_SCP_CHARACTERS);
  });

  it("accepts up to the budget and names the policy, its size, the budget and the config keys beyond", () => {
    expect(scpSizeError("p", "x".repeat(DEFAULT_MAX_SCP_CHARACTERS))).to.equal(undefined);
    expect(scpSizeError(SESSION_GUARDRAIL_POLICY_NAME, "x".repeat(DEFAULT_MAX_SCP_CHARACTERS + 1))).to.equal(
      `the SCP ${SESSION_GUARDRAIL_POLICY_NAME} is 4501 characters, above the budget of 4500 (AWS Organizations ` +
        `documents ${SCP_MAX_CHARACTERS}): shorten or merge the ssm-runas-sync:scpExceptionPrincipalArns, ` +
        "deployPrincipalArns or allowedSessionDocuments entries",
    );
    expect(scpSizeError("p", "x".repeat(5000), SCP_MAX_CHARACTERS)).to.equal(undefined);
  });
});
