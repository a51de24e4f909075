import { expect } from "chai";
import { LZA_EXCEPTION_PRINCIPALS, RUNSHELL_GUARDRAIL_POLICY_NAME } from "../../policypack/rules/names";
import { DOCUMENT_WRITE_ACTIONS } from "../../policypack/rules/scpActions";
import {
  scpDeniesDocumentWrites,
  scpExceptionPatternsNarrow,
  scpExceptionPrincipals,
  scpProtectsWriter,
  scpSize,
} from "../../policypack/scp";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { resolvePolicyConfig } from "../../synth/policyConfig";
import { runPolicyPack } from "../../synth/policyHost";
import { EXAMPLE_STACKS, exampleRawConfig } from "../support/exampleStacks";
import {
  declared,
  exampleResources,
  only,
  programResourcesFor,
  validateResource,
  withScpStatements,
  type ScpStatement,
} from "../support/policyHarness";

const POLICY = "aws:organizations/policy:Policy";
const DOCUMENT_ARN = "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell";
const WRITER_ROLE = "arn:aws:iam::*:role/ssm-runas-sync/*";
const STACKSET_ROLE = "arn:aws:iam::*:role/stacksets-exec-*";
const LZA_EXECUTION_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
/** LZA's Session Manager settings role: the one LZA writes the document with. */
const LZA = LZA_EXCEPTION_PRINCIPALS.slice();
const LZA_SETTINGS_ROLE = "arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*";
const EVERYONE = ["*", "arn:aws:iam::*:role/*", "arn:aws:iam::*:*", "arn:aws:iam::*:role/*/*"];

const isRunShellGuardrail = (r: DeclaredResource) => r.inputs.name === RUNSHELL_GUARDRAIL_POLICY_NAME;

/** The RunShell guardrail SCP of an example stack (the one these resource policies check). */
async function programScp(stack = "dev"): Promise<DeclaredResource> {
  return only(await exampleResources(stack), POLICY, isRunShellGuardrail);
}

/** The program's SCP with a stack config changed, as the real program renders it. */
async function programScpWith(change: Record<string, unknown>): Promise<DeclaredResource> {
  return only(
    await programResourcesFor({ ...exampleRawConfig("dev"), ...change }),
    POLICY,
    isRunShellGuardrail,
  );
}

/** The statement of the program's SCP that covers `resource` (by its first Resource entry's shape). */
function statementFor(statements: ScpStatement[], resource: RegExp): ScpStatement {
  const found = statements.filter((s) =>
    ([] as string[]).concat(s.Resource ?? []).some((r) => resource.test(r)),
  );
  if (found.length !== 1) throw new Error(`expected one statement on ${resource}, found ${found.length}`);
  return found[0];
}

const DOCUMENT = /document\/SSM-SessionManagerRunShell$/;
const ROLE = /:role\/ssm-runas-sync\/\*$/;
const FUNCTION = /function:ssm-runas-sync-writer$/;

function exemptions(statement: ScpStatement): string[] {
  return ([] as string[]).concat(statement.Condition?.ArnNotLike?.["aws:PrincipalArn"] ?? []);
}

function setExemptions(statement: ScpStatement, patterns: string[]) {
  statement.Condition = { ArnNotLike: { "aws:PrincipalArn": patterns } };
}

function asList(value: string | string[] | undefined): string[] {
  return ([] as string[]).concat(value ?? []);
}

const REGION_DENY: ScpStatement = {
  Sid: "DenyOtherRegions",
  Effect: "Deny",
  NotAction: ["iam:*", "organizations:*", "sts:*"],
  Resource: "*",
  Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } },
};

describe("policy ssm-runas-scp-denies-document-writes", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's SCP as the program declares it`, async () => {
      expect(await validateResource(scpDeniesDocumentWrites, await programScp(stack))).to.deep.equal({
        messages: [],
      });
    });
  }

  it("passes a hand-written SCP that denies with wildcards (ssm:*Document*, NotAction)", async () => {
    for (const statement of [
      { Effect: "Deny", Action: "ssm:*Document*", Resource: "arn:aws:ssm:*:*:document/*" },
      { Effect: "Deny", NotAction: ["ssm:Get*", "ssm:Describe*", "ssm:List*"], Resource: DOCUMENT_ARN },
    ]) {
      const scp = declared(POLICY, "scp", {
        type: "SERVICE_CONTROL_POLICY",
        content: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      });
      expect(await validateResource(scpDeniesDocumentWrites, scp), JSON.stringify(statement)).to.deep.equal({
        messages: [],
      });
    }
  });

  it("refuses an SCP that no longer denies ssm:UpdateDocument", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      s.Action = asList(s.Action).filter((a) => a !== "ssm:UpdateDocument");
    });
    const { messages } = await validateResource(scpDeniesDocumentWrites, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^No Deny statement covers ssm:UpdateDocument on arn:aws:ssm:\*:\*:document/,
    );
  });

  it("refuses an SCP whose document statement names another document", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      statementFor(statements, DOCUMENT).Resource = ["arn:aws:ssm:*:*:document/SSM-SessionManagerRunShellX"];
    });
    const { messages } = await validateResource(scpDeniesDocumentWrites, scp);
    expect(messages).to.have.length(1);
    for (const action of [
      "ssm:CreateDocument",
      "ssm:UpdateDocument",
      "ssm:DeleteDocument",
      "ssm:UpdateDocumentDefaultVersion",
    ]) {
      expect(messages[0]).to.include(action);
    }
  });

  it("refuses an SCP whose document statement allows instead of denying", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      statementFor(statements, DOCUMENT).Effect = "Allow";
    });
    const { messages } = await validateResource(scpDeniesDocumentWrites, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^No Deny statement covers ssm:CreateDocument, ssm:UpdateDocument/);
  });

  it("refuses a Deny limited by a condition other than the aws:PrincipalArn exemption", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      s.Condition = { ...s.Condition, StringEquals: { "aws:PrincipalTag/guarded": "yes" } };
    });
    const { messages } = await validateResource(scpDeniesDocumentWrites, scp);
    expect(messages).to.have.length(DOCUMENT_WRITE_ACTIONS.length);
    expect(messages[0]).to.match(
      /Deny of ssm:CreateDocument on the document applies only under StringEquals aws:PrincipalTag\/guarded/,
    );
  });

  it("refuses an SCP that names the document but is not a JSON policy", async () => {
    const scp = declared(POLICY, "scp", {
      type: "SERVICE_CONTROL_POLICY",
      content: "SSM-SessionManagerRunShell: deny",
    });
    const { messages } = await validateResource(scpDeniesDocumentWrites, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^The SCP's content is not a JSON policy document/);
  });

  it("leaves other SCPs and other policy types alone", async () => {
    const other = declared(POLICY, "regions", {
      type: "SERVICE_CONTROL_POLICY",
      content: JSON.stringify({ Version: "2012-10-17", Statement: [REGION_DENY] }),
    });
    const tagPolicy = withScpStatements(await programScp(), () => []);
    tagPolicy.inputs.type = "TAG_POLICY";
    expect(await validateResource(scpDeniesDocumentWrites, other)).to.deep.equal({ messages: [] });
    expect(await validateResource(scpDeniesDocumentWrites, tagPolicy)).to.deep.equal({ messages: [] });
  });
});

describe("policy ssm-runas-scp-exception-principals", () => {
  it("defaults requiredExceptionPrincipals to the LZA patterns of the example stacks, the role to stacksets-exec-*", () => {
    const { properties } = resolvePolicyConfig(scpExceptionPrincipals);
    expect(properties).to.deep.equal({
      stackSetExecutionRoleArnPattern: STACKSET_ROLE,
      requiredExceptionPrincipals: LZA,
    });
    for (const stack of EXAMPLE_STACKS) {
      expect(exampleRawConfig(stack).scpExceptionPrincipalArns).to.include.members(LZA);
    }
  });

  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's SCP as the program declares it`, async () => {
      expect(await validateResource(scpExceptionPrincipals, await programScp(stack))).to.deep.equal({
        messages: [],
      });
    });
  }

  it("refuses the program's SCP for a valid config that leaves LZA's settings role out, naming it", async () => {
    const scp = await programScpWith({ scpExceptionPrincipalArns: [] });
    const { messages } = await validateResource(scpExceptionPrincipals, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /statement RunShellDocument denies writes to SSM-SessionManagerRunShell without exempting/,
    );
    expect(messages[0]).to.include(`without exempting ${LZA_SETTINGS_ROLE} (aws:PrincipalArn)`);
    expect(messages[0]).not.to.include(WRITER_ROLE);
  });

  it("passes that SCP when the pack's config requires no LZA pattern (an organisation without LZA)", async () => {
    const scp = await programScpWith({ scpExceptionPrincipalArns: [] });
    const config = { "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [] } };
    expect(await validateResource(scpExceptionPrincipals, scp, config)).to.deep.equal({ messages: [] });
  });

  it("takes the StackSet execution role from the pack's config: an LZA-deployed StackSet's SCP", async () => {
    const scp = await programScpWith({ stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE });
    const config = {
      "ssm-runas-scp-exception-principals": { stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE },
    };
    expect(await validateResource(scpExceptionPrincipals, scp, config)).to.deep.equal({ messages: [] });
    // With the default config the pack still wants stacksets-exec-*, and says which policy refuses the SCP.
    const { messages } = await validateResource(scpExceptionPrincipals, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include(`without exempting ${STACKSET_ROLE} (aws:PrincipalArn)`);
  });

  it("runs the whole pack clean over an LZA-deployed stack only when the pack's config names its role", async () => {
    const resources = await programResourcesFor({
      ...exampleRawConfig("dev"),
      stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE,
    });
    const run = (config?: Record<string, unknown>) =>
      runPolicyPack(resources, { project: "ssm-runas-sync", stack: "dev", config });
    const configured = await run({
      "ssm-runas-scp-exception-principals": { stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE },
      "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE },
    });
    expect(configured.violations).to.deep.equal([]);
    const byDefault = await run();
    expect(byDefault.violations.map((v) => [v.policy, v.enforcementLevel])).to.deep.equal([
      ["ssm-runas-scp-exception-principals", "mandatory"],
      // The pack's default role, stacksets-exec-*, is protected by nothing in that SCP.
      ["ssm-runas-scp-stackset-role-exemptions", "mandatory"],
    ]);
    expect(byDefault.violations[0].message).to.include(`without exempting ${STACKSET_ROLE}`);
  });

  it("checks only the RunShell guardrail's document Deny, not the session guardrail's Session-type Deny", async () => {
    const session = only(
      await exampleResources("dev"),
      POLICY,
      (r) => r.inputs.name === "ssm-runas-sync-session-guardrail",
    );
    const unexempted = withScpStatements(session, (statements) => {
      for (const s of statements) delete s.Condition?.ArnNotLike;
    });
    expect(await validateResource(scpExceptionPrincipals, unexempted)).to.deep.equal({ messages: [] });
    // The same edit on the RunShell guardrail is refused.
    const runShell = withScpStatements(await programScp(), (statements) => {
      delete statementFor(statements, DOCUMENT).Condition;
    });
    expect((await validateResource(scpExceptionPrincipals, runShell)).messages).to.have.length(1);
  });

  it("requires every pattern the pack's config lists", async () => {
    const config = {
      "ssm-runas-scp-exception-principals": {
        requiredExceptionPrincipals: [...LZA, "arn:aws:iam::*:role/platform-pipeline-*"],
      },
    };
    const { messages } = await validateResource(scpExceptionPrincipals, await programScp(), config);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/without exempting arn:aws:iam::\*:role\/platform-pipeline-\* /);
  });

  for (const [what, pattern] of [
    ["the writer role", WRITER_ROLE],
    ["the StackSet execution role", STACKSET_ROLE],
  ]) {
    it(`refuses an SCP whose document statement does not exempt ${what}`, async () => {
      const scp = withScpStatements(await programScp(), (statements) => {
        const s = statementFor(statements, DOCUMENT);
        setExemptions(
          s,
          exemptions(s).filter((p) => p !== pattern),
        );
      });
      const { messages } = await validateResource(scpExceptionPrincipals, scp);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.include(`without exempting ${pattern} (aws:PrincipalArn)`);
    });
  }

  it("counts a broader prefix as exempting a required pattern (AWSAccelerator-SecurityRe-* covers the settings role)", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      setExemptions(s, [WRITER_ROLE, STACKSET_ROLE, "arn:aws:iam::*:role/AWSAccelerator-SecurityRe-*"]);
    });
    expect(await validateResource(scpExceptionPrincipals, scp)).to.deep.equal({ messages: [] });
  });

  it("does not count wildcard patterns under StringNotEquals, which compares them literally", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      s.Condition = { StringNotEquals: { "aws:PrincipalArn": exemptions(s) } };
    });
    const { messages } = await validateResource(scpExceptionPrincipals, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include(
      `without exempting ${WRITER_ROLE}, ${STACKSET_ROLE}, ${LZA_SETTINGS_ROLE} (aws:PrincipalArn)`,
    );
  });

  for (const pattern of EVERYONE) {
    it(`refuses an exemption that matches every principal: ${pattern}`, async () => {
      const scp = withScpStatements(await programScp(), (statements) => {
        const s = statementFor(statements, DOCUMENT);
        setExemptions(s, [...exemptions(s), pattern]);
      });
      const { messages } = await validateResource(scpExceptionPrincipals, scp);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.equal(
        `statement RunShellDocument exempts ${pattern}, which matches every principal: the guardrail would stop no one.`,
      );
    });
  }
});

describe("policy ssm-runas-scp-protects-writer", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's SCP as the program declares it`, async () => {
      expect(await validateResource(scpProtectsWriter, await programScp(stack))).to.deep.equal({
        messages: [],
      });
    });
  }

  it("refuses an SCP without the writer-role statement", async () => {
    const scp = withScpStatements(await programScp(), (statements) =>
      statements.filter((s) => s !== statementFor(statements, ROLE)),
    );
    const { messages } = await validateResource(scpProtectsWriter, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /covers iam:CreateRole, iam:DeleteRole, iam:UpdateAssumeRolePolicy, .*iam:PassRole, sts:AssumeRole on arn:aws:iam::\*:role\/ssm-runas-sync\/\*\.$/,
    );
  });

  for (const action of ["iam:PassRole", "iam:UpdateAssumeRolePolicy", "iam:CreateRole"]) {
    it(`refuses an SCP that stops denying ${action} on the writer role`, async () => {
      const scp = withScpStatements(await programScp(), (statements) => {
        // The program denies all but reads (NotAction): listing the action there stops denying it.
        const s = statementFor(statements, ROLE);
        expect(s.Action).to.equal(undefined);
        s.NotAction = [...asList(s.NotAction), action];
      });
      const { messages } = await validateResource(scpProtectsWriter, scp);
      expect(messages).to.deep.equal([
        `No Deny statement without other conditions or an exempt-everyone pattern covers ${action} on ${WRITER_ROLE}.`,
      ]);
    });
  }

  it("refuses a writer-role statement that exempts every role", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      setExemptions(statementFor(statements, ROLE), [STACKSET_ROLE, "arn:aws:iam::*:role/*"]);
    });
    const { messages } = await validateResource(scpProtectsWriter, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include(`on ${WRITER_ROLE}.`);
  });

  it("refuses function protection that only covers another function", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, FUNCTION);
      s.Resource = asList(s.Resource).map((r) =>
        r.replace("function:ssm-runas-sync-writer", "function:other"),
      );
    });
    const { messages } = await validateResource(scpProtectsWriter, scp);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /covers lambda:CreateFunction, lambda:UpdateFunctionCode, lambda:UpdateFunctionConfiguration, lambda:DeleteFunction, lambda:InvokeFunction, .* on arn:aws:lambda:\*:\*:function:ssm-runas-sync-writer\.$/,
    );
  });

  it("refuses an SCP that leaves the reconcile rules open", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      for (const s of statements) s.Resource = asList(s.Resource).filter((r) => !r.includes(":rule/"));
    });
    const { messages } = await validateResource(scpProtectsWriter, scp);
    expect(messages).to.have.length(2);
    expect(messages[0]).to.match(
      /events:PutRule, events:DeleteRule, events:DisableRule, events:EnableRule, events:PutTargets, events:RemoveTargets, events:TagResource, events:UntagResource on arn:aws:events:\*:\*:rule\/ssm-runas-sync-reconcile-on-change\.$/,
    );
    expect(messages[1]).to.match(/on arn:aws:events:\*:\*:rule\/ssm-runas-sync-reconcile-daily\.$/);
  });

  it("refuses writer protection limited by another condition", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, FUNCTION);
      s.Condition = { ...s.Condition, Bool: { "aws:MultiFactorAuthPresent": "false" } };
    });
    const { messages } = await validateResource(scpProtectsWriter, scp);
    expect(messages.length).to.be.greaterThan(0);
    expect(messages[0]).to.match(/on arn:aws:lambda:\*:\*:function:ssm-runas-sync-writer\.$/);
  });
});

describe("policy ssm-runas-scp-size (advisory)", () => {
  it("is advisory, with maxCharacters 4500 by default", () => {
    expect(scpSize.enforcementLevel).to.equal("advisory");
    expect(resolvePolicyConfig(scpSize).properties).to.deep.equal({ maxCharacters: 4500 });
  });

  for (const stack of EXAMPLE_STACKS) {
    it(`passes both of the ${stack} stack's SCPs (under 4,500 characters)`, async () => {
      const scps = (await exampleResources(stack)).filter((r) => r.type === POLICY);
      expect(scps).to.have.length(2);
      for (const scp of scps) {
        expect(String(scp.inputs.content).length).to.be.at.most(4500);
        expect(await validateResource(scpSize, scp)).to.deep.equal({ messages: [] });
      }
    });
  }

  // The renderer refuses an SCP above the budget itself (tests/components/guardrail), so only an edited
  // program emits one: exemptions added by hand to the document Deny.
  it("warns about an SCP that an edited program pushes above 4,500 characters", async () => {
    const many = Array.from({ length: 16 }, (_, i) => `arn:aws:iam::*:role/team-${i}-deployment-pipeline-*`);
    const scp = withScpStatements(await programScp("prod"), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      setExemptions(s, [...exemptions(s), ...many]);
    });
    const length = String(scp.inputs.content).length;
    expect(length).to.be.within(4501, 5120);
    const { messages } = await validateResource(scpSize, scp);
    expect(messages).to.deep.equal([
      `The SCP holds ${length} characters, above 4500 (Organizations documents a limit of 5120).`,
    ]);
  });

  it("takes maxCharacters from the pack's config", async () => {
    const scp = await programScp();
    const config = { "ssm-runas-scp-size": { maxCharacters: 1000 } };
    const { messages } = await validateResource(scpSize, scp, config);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/above 1000/);
  });
});

describe("policy ssm-runas-scp-exception-patterns-narrow (advisory)", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's role-name-prefix exemptions`, async () => {
      expect(await validateResource(scpExceptionPatternsNarrow, await programScp(stack))).to.deep.equal({
        messages: [],
      });
    });
  }

  // The first three pass the program's own config validation; the last one only an edited program emits.
  for (const [pattern, viaProgram] of [
    ["arn:aws:iam::*:role/*AWSAccelerator*", true],
    ["arn:aws:iam::*:role/*/AWSAccelerator-*", true],
    ["arn:aws:iam::*:role/AWS*Accelerator", true],
    ["arn:aws:iam::123456789012:role/*", false],
    // Only the writer's path exactly is accepted (WriterRole protects it whole): not another path, nor the
    // writer's path in another casing, which ARN matching tells apart.
    ["arn:aws:iam::*:role/ssm-runas-sync-ops/*", false],
    ["arn:aws:iam::*:role/SSM-RunAs-Sync/*", false],
  ] as const) {
    it(`warns about a configured exemption broader than a role-name prefix: ${pattern}`, async () => {
      const scp = viaProgram
        ? await programScpWith({ scpExceptionPrincipalArns: [...LZA, pattern] })
        : withScpStatements(await programScp(), (statements) => {
            const s = statementFor(statements, DOCUMENT);
            setExemptions(s, [...exemptions(s), pattern]);
          });
      const { messages } = await validateResource(scpExceptionPatternsNarrow, scp);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.equal(
        `Exemption ${pattern} is broader than a role-name prefix: an account admin may be able to create a ` +
          "role it matches. Narrow it, and make sure your own SCPs protect the roles it names.",
      );
    });
  }

  it("checks the session guardrail too, but not Identity Center's reserved-path roles (RunAsTagged)", async () => {
    const session = only(
      await exampleResources("prod"),
      POLICY,
      (r) => r.inputs.name === "ssm-runas-sync-session-guardrail",
    );
    const tagged = (s: ScpStatement[]) => s.find((x) => x.Sid === "RunAsTagged") as ScpStatement;
    expect(exemptions(tagged(JSON.parse(String(session.inputs.content)).Statement))).to.deep.equal([
      "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*",
    ]);
    expect(await validateResource(scpExceptionPatternsNarrow, session)).to.deep.equal({ messages: [] });
    const broad = withScpStatements(session, (statements) => {
      const s = tagged(statements);
      s.Condition = {
        ...s.Condition,
        ArnNotLike: { "aws:PrincipalArn": [...exemptions(s), "arn:aws:iam::*:role/*ops*"] },
      };
    });
    const { messages } = await validateResource(scpExceptionPatternsNarrow, broad);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^Exemption arn:aws:iam::\*:role\/\*ops\* is broader than a role-name prefix/,
    );
  });

  it("warns about (and the mandatory policy refuses) account and name wildcards together", async () => {
    const scp = withScpStatements(await programScp(), (statements) => {
      const s = statementFor(statements, DOCUMENT);
      setExemptions(s, [...exemptions(s), "arn:aws:iam::*:role/*"]);
    });
    expect((await validateResource(scpExceptionPatternsNarrow, scp)).messages).to.have.length(1);
    expect((await validateResource(scpExceptionPrincipals, scp)).messages).to.have.length(1);
  });
});
