import { expect } from "chai";
import { writerInlineCode } from "../../../lambda/bundle";
import { fallbackUserScriptLines } from "../../../components/runShell/fallbackUserScript";
import {
  ASSOCIATION_ID_PROPERTY,
  FALLBACK_USER_ASSOCIATION_NAME,
  FALLBACK_USER_ASSOCIATION_TAG_TYPE,
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_SHELL_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_LOG_GROUP_NAME,
  WRITER_ROLE_ARN_PATTERN,
  WRITER_ROLE_PATH,
} from "../../../policypack/rules/names";
import {
  runShellTemplate,
  runShellTemplateBody,
  templateParameters,
  TEMPLATE_BODY_LIMIT,
  TEMPLATE_BUDGET_BYTES,
  type CloudFormationTemplate,
} from "../../../components/runShell/template";
import { NEWEST_NODEJS_RUNTIME } from "../../../policypack/rules/values";

const WRITER = { code: writerInlineCode(), runtime: NEWEST_NODEJS_RUNTIME };
const template = runShellTemplate(WRITER);
interface Properties {
  readonly [key: string]: Properties;
}
/** A resource's properties, loosely typed: the assertions below are what checks them. */
const properties = (logicalId: string) => template.Resources[logicalId].Properties as unknown as Properties;

/** Resolves `Fn::Sub` the way CloudFormation would in one account and region. */
function resolveSub(value: unknown, region: string, account = "111122223333", partition = "aws"): string {
  const text = (value as { "Fn::Sub": string })["Fn::Sub"];
  expect(text, JSON.stringify(value)).to.be.a("string");
  return text
    .replaceAll("${AWS::Region}", region)
    .replaceAll("${AWS::AccountId}", account)
    .replaceAll("${AWS::Partition}", partition);
}

/** IAM's wildcard match of an ARN pattern (`*` any run, `?` one character). */
function arnLike(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(arn);
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: unknown;
}

function statements(): Statement[] {
  const policies = properties("WriterRole").Policies as unknown as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe("RunShell template", () => {
  describe("parameters", () => {
    it("take the default user, refusing root and non-Linux names, and the delete behaviour", () => {
      const user = template.Parameters.RunAsDefaultUser;
      expect(user.Type).to.equal("String");
      expect(user).not.to.have.property("Default");
      const pattern = new RegExp(String(user.AllowedPattern));
      for (const good of ["ssm-fallback", "_svc", "a", "rootless"])
        expect(pattern.test(good), good).to.equal(true);
      for (const bad of ["root", "Admin", "1user", "", "a".repeat(33)])
        expect(pattern.test(bad), bad).to.equal(false);
      expect(template.Parameters.OnDelete).to.include({ Type: "String", Default: "retain" });
      expect(template.Parameters.OnDelete.AllowedValues).to.deep.equal(["retain", "restore"]);
    });

    it("take RunAsEnabled, true or false (break-glass), true when not given", () => {
      expect(template.Parameters.RunAsEnabled).to.include({ Type: "String", Default: "true" });
      expect(template.Parameters.RunAsEnabled.AllowedValues).to.deep.equal(["true", "false"]);
    });

    it("have the values templateParameters gives: RunAs on unless break-glass asks it off", () => {
      expect(templateParameters("ssm-fallback", "retain")).to.deep.equal({
        RunAsEnabled: "true",
        RunAsDefaultUser: "ssm-fallback",
        OnDelete: "retain",
      });
      expect(templateParameters("ssm-fallback", "restore", false)).to.deep.equal({
        RunAsEnabled: "false",
        RunAsDefaultUser: "ssm-fallback",
        OnDelete: "restore",
      });
      for (const name of Object.keys(templateParameters("u", "retain"))) {
        expect(template.Parameters, name).to.have.property(name);
      }
    });
  });

  describe("writer role", () => {
    it("has no fixed name (CloudFormation generates one per stack, none to squat), under the fixed path the SCP exempts", () => {
      const role = properties("WriterRole");
      expect(role).not.to.have.property("RoleName");
      expect(role.Path).to.equal(WRITER_ROLE_PATH);
      const generated = "StackSet-ssm-runas-sync-runshell-0a1b2c3d-WriterRole-1A2B3C4D5E6F";
      expect(
        arnLike(WRITER_ROLE_ARN_PATTERN, `arn:aws:iam::111122223333:role${WRITER_ROLE_PATH}${generated}`),
      ).to.equal(true);
      expect(arnLike(WRITER_ROLE_ARN_PATTERN, `arn:aws:iam::111122223333:role/${generated}`)).to.equal(false);
    });

    it("trusts Lambda alone", () => {
      expect(properties("WriterRole").AssumeRolePolicyDocument.Statement).to.deep.equal([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    });

    it("may write only the RunShell document of its own account and region", () => {
      const ssm = statements().filter(
        (s) =>
          s.Action.some((action) => action.startsWith("ssm:")) && !s.Sid?.endsWith("FallbackUserAssociation"),
      );
      expect(ssm).to.have.length(1);
      expect(ssm[0].Effect).to.equal("Allow");
      expect(ssm[0].Action).to.have.members([
        "ssm:GetDocument",
        "ssm:DescribeDocument",
        "ssm:CreateDocument",
        "ssm:UpdateDocument",
        "ssm:UpdateDocumentDefaultVersion",
      ]);
      expect(resolveSub(ssm[0].Resource, "eu-west-1")).to.equal(
        `arn:aws:ssm:eu-west-1:111122223333:document/${RUN_SHELL_DOCUMENT_NAME}`,
      );
    });

    it("may tag and update only the fallback-user association of its stack, and not delete it", () => {
      const sids = ["TagFallbackUserAssociation", "RestoreFallbackUserAssociation"];
      const [tag, restore] = sids.map((sid) => statements().find((s) => s.Sid === sid)!);
      // CloudFormation's Fn::Sub puts the association's id where the template names its logical id.
      const association = "arn:aws:ssm:eu-west-1:111122223333:association/${FallbackUserAssociation}";
      expect([tag.Effect, tag.Action, resolveSub(tag.Resource, "eu-west-1")]).to.deep.equal([
        "Allow",
        ["ssm:AddTagsToResource"],
        association,
      ]);
      expect(restore.Action).to.deep.equal(["ssm:UpdateAssociation"]);
      expect((restore.Resource as unknown[]).map((r) => resolveSub(r, "eu-west-1"))).to.deep.equal([
        association,
        "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
        "arn:aws:ec2:eu-west-1:111122223333:instance/*",
        "arn:aws:ssm:eu-west-1:111122223333:managed-instance/*",
      ]);
      expect(JSON.stringify(statements())).not.to.match(/(Delete|Create)Association|StartAssociation/);
    });

    it("may write logs only to its own log group, and nothing else", () => {
      const rest = statements().filter((s) => !s.Action.some((action) => action.startsWith("ssm:")));
      expect(rest).to.have.length(1);
      expect(rest[0].Action).to.have.members(["logs:CreateLogStream", "logs:PutLogEvents"]);
      expect(resolveSub(rest[0].Resource, "eu-west-1")).to.equal(
        `arn:aws:logs:eu-west-1:111122223333:log-group:${WRITER_LOG_GROUP_NAME}:*`,
      );
      expect(JSON.stringify(properties("WriterRole"))).not.to.match(/"(Resource|Action)":\s*"\*"/);
    });
  });

  describe("writer function", () => {
    it("carries the built writer bundle byte for byte as inline code", () => {
      expect(properties("WriterFunction").Code).to.deep.equal({ ZipFile: writerInlineCode() });
      const deployed = JSON.parse(runShellTemplateBody(WRITER)) as CloudFormationTemplate;
      expect(deployed.Resources.WriterFunction.Properties.Code).to.deep.equal({
        ZipFile: writerInlineCode(),
      });
    });

    it("runs on a supported Node.js runtime (22.x or newer) as index.handler with a bounded timeout", () => {
      const fn = properties("WriterFunction");
      expect(fn.FunctionName).to.equal(WRITER_FUNCTION_NAME);
      expect(fn.Runtime).to.match(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(fn.Handler).to.equal("index.handler");
      expect(fn.Timeout).to.be.within(10, 900);
      expect(fn.Role).to.deep.equal({ "Fn::GetAtt": ["WriterRole", "Arn"] });
    });

    it("gives reconcile runs the desired values under the names the handler reads", () => {
      const variables = properties("WriterFunction").Environment.Variables;
      // The parameter the custom resource takes too: a reconcile keeps break-glass as the stack update set it.
      expect(variables).to.deep.equal({
        RUN_AS_ENABLED: { Ref: "RunAsEnabled" },
        RUN_AS_DEFAULT_USER: { Ref: "RunAsDefaultUser" },
      });
      for (const name of Object.keys(variables)) expect(writerInlineCode()).to.contain(name);
    });

    it("logs to its own log group, which has a retention", () => {
      expect(properties("WriterFunction").LoggingConfig).to.deep.equal({
        LogGroup: { Ref: "WriterLogGroup" },
      });
      expect(properties("WriterLogGroup").LogGroupName).to.equal(WRITER_LOG_GROUP_NAME);
      expect(properties("WriterLogGroup").RetentionInDays).to.be.a("number").and.be.above(0);
    });
  });

  describe("custom resource", () => {
    it("runs the writer with RunAsEnabled, the default user and the delete behaviour, within a bounded time", () => {
      const document = template.Resources.RunShellDocument;
      expect(document.Type).to.match(/^Custom::/);
      expect(document.Properties).to.deep.equal({
        ServiceToken: { "Fn::GetAtt": ["WriterFunction", "Arn"] },
        ServiceTimeout: document.Properties.ServiceTimeout,
        RunAsEnabled: { Ref: "RunAsEnabled" },
        RunAsDefaultUser: { Ref: "RunAsDefaultUser" },
        OnDelete: { Ref: "OnDelete" },
      });
      expect(document.Properties.ServiceTimeout)
        .to.be.above(properties("WriterFunction").Timeout as unknown as number)
        .and.below(3600);
      for (const name of ["RunAsEnabled", "RunAsDefaultUser", "OnDelete"])
        expect(writerInlineCode()).to.contain(name);
    });
  });

  describe("reconcile rules", () => {
    it("fire on CloudTrail writes to the document", () => {
      const rule = properties("ReconcileOnChangeRule");
      expect(rule.Name).to.equal(RECONCILE_ON_CHANGE_RULE_NAME);
      expect(rule.EventPattern).to.deep.equal({
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
          eventSource: ["ssm.amazonaws.com"],
          eventName: ["CreateDocument", "UpdateDocument", "DeleteDocument", "UpdateDocumentDefaultVersion"],
          requestParameters: {
            name: [RUN_SHELL_DOCUMENT_NAME, { suffix: `:document/${RUN_SHELL_DOCUMENT_NAME}` }],
          },
        },
      });
    });

    it("fire once a day as well", () => {
      const rule = properties("ReconcileDailyRule");
      expect(rule.Name).to.equal(RECONCILE_DAILY_RULE_NAME);
      expect(rule.ScheduleExpression).to.equal("rate(1 day)");
    });

    for (const [ruleId, permissionId] of [
      ["ReconcileOnChangeRule", "ReconcileOnChangePermission"],
      ["ReconcileDailyRule", "ReconcileDailyPermission"],
    ]) {
      it(`${ruleId} targets the writer, which only that rule's ARN may invoke through ${permissionId}`, () => {
        expect(properties(ruleId).State).to.equal("ENABLED");
        expect(properties(ruleId).Targets).to.deep.equal([
          { Id: "writer", Arn: { "Fn::GetAtt": ["WriterFunction", "Arn"] } },
        ]);
        expect(template.Resources[permissionId].Type).to.equal("AWS::Lambda::Permission");
        expect(properties(permissionId)).to.deep.equal({
          Action: "lambda:InvokeFunction",
          FunctionName: { Ref: "WriterFunction" },
          Principal: "events.amazonaws.com",
          SourceArn: { "Fn::GetAtt": [ruleId, "Arn"] },
        });
      });

      it(`${ruleId} goes before the custom resource on delete, so a restore is not reconciled away`, () => {
        expect(template.Resources[ruleId].DependsOn).to.equal("RunShellDocument");
      });
    }
  });

  describe("fallback-user association", () => {
    const association = () => template.Resources.FallbackUserAssociation;

    it("runs the AWS-owned AWS-RunShellScript on every managed node, new ones at once, then daily", () => {
      expect(association().Type).to.equal("AWS::SSM::Association");
      expect(association().Properties).to.deep.include({
        AssociationName: FALLBACK_USER_ASSOCIATION_NAME,
        Name: "AWS-RunShellScript",
        Targets: [{ Key: "InstanceIds", Values: ["*"] }],
        ScheduleExpression: "rate(1 day)",
        ApplyOnlyAtCronInterval: false,
      });
      expect(FALLBACK_USER_ASSOCIATION_NAME.startsWith("ssm-runas-sync-")).to.equal(true);
    });

    it("creates exactly the stack's fallback user: its script, the user from the RunAsDefaultUser parameter", () => {
      const { commands } = association().Properties.Parameters as { commands: unknown[] };
      const [first, ...body] = commands;
      const user = "ops-fallback";
      const resolved = (first as { "Fn::Sub": string })["Fn::Sub"].replace("${RunAsDefaultUser}", user);
      expect([resolved, ...body]).to.deep.equal(fallbackUserScriptLines(user));
    });

    it("does not depend on RunAs: nothing in it reads RunAsEnabled, so break-glass keeps creating the user", () => {
      expect(JSON.stringify(association())).not.to.include("RunAsEnabled");
      expect(association()).not.to.have.property("Condition");
    });

    it("is tagged by the writer, which writes the association's own properties over it", () => {
      const tag = template.Resources.FallbackUserAssociationTag;
      expect(tag.Type).to.equal(FALLBACK_USER_ASSOCIATION_TAG_TYPE);
      expect(tag.Properties).to.deep.equal({
        ServiceToken: { "Fn::GetAtt": ["WriterFunction", "Arn"] },
        ServiceTimeout: 300,
        [ASSOCIATION_ID_PROPERTY]: { Ref: "FallbackUserAssociation" },
        ...association().Properties,
      });
    });

    it("is left out with ensureFallbackUser false, with its tag resource and the writer's right to tag it", () => {
      const without = runShellTemplate(WRITER, { ensureFallbackUser: false });
      const { FallbackUserAssociation, FallbackUserAssociationTag, WriterRole, ...others } =
        template.Resources;
      expect([FallbackUserAssociation, FallbackUserAssociationTag]).not.to.include(undefined);
      const { WriterRole: withoutRole, ...withoutOthers } = without.Resources;
      expect(withoutOthers).to.deep.equal(others);
      expect(JSON.stringify(WriterRole)).to.include("RestoreFallbackUserAssociation");
      expect(JSON.stringify(withoutRole)).not.to.match(/Association/);
    });
  });

  describe("limits", () => {
    it("refuses a template body CloudFormation would reject, naming both sizes", () => {
      const code = "x".repeat(TEMPLATE_BODY_LIMIT);
      expect(() => runShellTemplateBody({ ...WRITER, code })).to.throw(
        new RegExp(
          `the RunShell template is \\d+ bytes, above the ${TEMPLATE_BODY_LIMIT} CloudFormation takes`,
        ),
      );
    });

    it(`stays within its budget of ${TEMPLATE_BUDGET_BYTES} bytes (60% of the limit), readable code included`, () => {
      expect(Buffer.byteLength(runShellTemplateBody(WRITER))).to.be.at.most(TEMPLATE_BUDGET_BYTES);
    });

    it("carries the writer readable: one statement a line, names kept, not minified", () => {
      const lines = WRITER.code.split("\n");
      expect(lines.length).to.be.greaterThan(100);
      expect(Math.max(...lines.map((line) => line.length))).to.be.at.most(160);
      expect(WRITER.code).to.match(/async function writeRunAs\(/);
      // The maintainers' "why" comments, kept for the reviewer.
      expect(WRITER.code).to.match(/^\s*\/\/! .*latest version is the newest intent/m);
    });

    it("runs the writer on the configured runtime", () => {
      expect(
        runShellTemplate({ ...WRITER, runtime: "nodejs22.x" }).Resources.WriterFunction.Properties.Runtime,
      ).to.equal("nodejs22.x");
    });
  });
});
