// The guardrail-v2 stack policies, over both SCPs the program declares: every example stack passes, and each
// rule fails once its statement is removed or altered (by hand in the SCP it lives in, or through a stack config).
import { expect } from "chai";
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  scpDelegatedAdmin,
  scpExemptionsProtected,
  scpRunAsTag,
  scpSessionDocuments,
  scpSessionRegions,
  scpStackSetRoleExemptions,
} from "../../policypack/guardrail";
import { scpProtectsFallbackUserAssociation } from "../../policypack/fallbackUserAssociation";
import { ROLE_WRITE_ACTIONS } from "../../policypack/rules/scpActions";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { resolvePolicyConfig } from "../../synth/policyConfig";
import { runPolicyPack } from "../../synth/policyHost";
import { EXAMPLE_STACKS, exampleRawConfig } from "../support/exampleStacks";
import {
  exampleResources,
  programResourcesFor,
  statementWithSid,
  validateStack,
  withGuardrailStatements,
  type ScpStatement,
} from "../support/policyHarness";

const RUNSHELL = "ssm-runas-sync-runshell-guardrail";
const SESSION = "ssm-runas-sync-session-guardrail";
const LZA_SETTINGS_ROLE = "arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*";
const LZA_DEPLOY = ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role", "arn:aws:iam::*:role/cdk-accel-*"];
const STACKSET_ROLE = "arn:aws:iam::*:role/stacksets-exec-*";
const LZA_EXECUTION_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
const IDC = "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*";

const POLICIES: [StackValidationPolicy, string][] = [
  [scpExemptionsProtected, "mandatory"],
  [scpSessionDocuments, "mandatory"],
  [scpRunAsTag, "mandatory"],
  [scpSessionRegions, "advisory"],
  [scpStackSetRoleExemptions, "mandatory"],
  [scpDelegatedAdmin, "mandatory"],
  [scpProtectsFallbackUserAssociation, "mandatory"],
];

function list(value: string | string[] | undefined): string[] {
  return ([] as string[]).concat(value ?? []);
}

function exemptions(statement: ScpStatement): string[] {
  return list(statement.Condition?.ArnNotLike?.["aws:PrincipalArn"]);
}

function setExemptions(statement: ScpStatement, patterns: string[]) {
  statement.Condition = { ...statement.Condition, ArnNotLike: { "aws:PrincipalArn": patterns } };
}

const withoutSid = (sid: string) => (statements: ScpStatement[]) => statements.filter((s) => s.Sid !== sid);

async function prodWith(
  name: string,
  change: (statements: ScpStatement[]) => ScpStatement[] | void,
): Promise<DeclaredResource[]> {
  return withGuardrailStatements(await exampleResources("prod"), name, change);
}

async function programWith(change: Record<string, unknown>): Promise<DeclaredResource[]> {
  return programResourcesFor({ ...exampleRawConfig("prod"), ...change }, "prod");
}

describe("guardrail stack policies: the example stacks", () => {
  for (const [policy, level] of POLICIES) {
    it(`${policy.name} is ${level}, and passes the dev and prod stacks as the program declares them`, async () => {
      expect(policy.enforcementLevel).to.equal(level);
      for (const stack of EXAMPLE_STACKS) {
        expect(await validateStack(policy, await exampleResources(stack)), stack).to.deep.equal({
          messages: [],
        });
      }
    });
  }

  it("are not applicable to a stack without any ssm-runas SCP", async () => {
    const resources = (await exampleResources("dev")).filter(
      (r) => r.type !== "aws:organizations/policy:Policy",
    );
    for (const [policy] of POLICIES) {
      const outcome = await validateStack(policy, resources);
      expect(outcome.messages).to.deep.equal([]);
      expect(outcome.notApplicable, policy.name).to.match(/no ssm-runas SCP/);
    }
  });

  it("report an SCP whose content is not JSON, naming it", async () => {
    const resources = (await exampleResources("dev")).map((r) =>
      r.inputs.name === SESSION ? { ...r, inputs: { ...r.inputs, content: "Deny: everything" } } : r,
    );
    const { messages } = await validateStack(scpRunAsTag, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^The SCP ssm-runas-sync-session-guardrail's content is not a JSON policy document/,
    );
  });

  it("run clean through runPolicyPack over prod, with restrictSessionRegions false only the regions warning", async () => {
    const clean = await runPolicyPack(await exampleResources("prod"), {
      project: "ssm-runas-sync",
      stack: "prod",
    });
    expect(clean.violations).to.deep.equal([]);
    const noRegions = await runPolicyPack(await programWith({ restrictSessionRegions: false }), {
      project: "ssm-runas-sync",
      stack: "prod",
    });
    expect(noRegions.violations.map((v) => [v.policy, v.enforcementLevel, v.resource])).to.deep.equal([
      ["ssm-runas-scp-session-regions", "advisory", null],
    ]);
  });
});

describe("policy ssm-runas-scp-exemptions-protected", () => {
  it("refuses the SCPs without ExemptRoles: LZA's settings role and the deploy roles are open, every role write named", async () => {
    const { messages } = await validateStack(
      scpExemptionsProtected,
      await prodWith(RUNSHELL, withoutSid("ExemptRoles")),
    );
    expect(messages).to.have.length(3);
    expect(messages[0]).to.equal(
      `Exemption ${LZA_SETTINGS_ROLE} (${RUNSHELL} statement RunShellDocument; ${SESSION} statement ` +
        "SessionDocumentTypes) is not protected: no Deny without other conditions, exempt-everyone pattern or new " +
        `exemptions covers ${ROLE_WRITE_ACTIONS.join(", ")} on it, so an account admin could create, change, pass ` +
        "or assume a role it matches.",
    );
    expect(messages[1]).to.match(
      /^Exemption arn:aws:iam::\*:role\/AWSAccelerator-Deployment-Role \(ssm-runas-sync-session-guardrail statement StackSets; ssm-runas-sync-session-guardrail statement AbacConfiguration\) is not protected/,
    );
    expect(messages[2]).to.include(`Exemption ${LZA_DEPLOY[1]} `);
  });

  it("names exactly the actions a NotAction guard stops covering (iam:PassRole, sts:AssumeRole)", async () => {
    const resources = await prodWith(RUNSHELL, (statements) => {
      const s = statementWithSid(statements, "StackSetRole");
      s.NotAction = [...list(s.NotAction), "iam:PassRole", "sts:AssumeRole"];
    });
    const { messages } = await validateStack(scpExemptionsProtected, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^Exemption arn:aws:iam::\*:role\/stacksets-exec-\* \(.*\) is not protected: .* covers iam:PassRole, sts:AssumeRole on it/,
    );
  });

  it("refuses an exemption nothing protects, added to the document Deny", async () => {
    const ops = "arn:aws:iam::*:role/ops-admin";
    const resources = await prodWith(RUNSHELL, (statements) => {
      const s = statementWithSid(statements, "RunShellDocument");
      setExemptions(s, [...exemptions(s), ops]);
    });
    const { messages } = await validateStack(scpExemptionsProtected, resources);
    expect(messages).to.deep.equal([
      `Exemption ${ops} (${RUNSHELL} statement RunShellDocument) is not protected: no Deny without other ` +
        `conditions, exempt-everyone pattern or new exemptions covers ${ROLE_WRITE_ACTIONS.join(", ")} on it, so ` +
        "an account admin could create, change, pass or assume a role it matches.",
    ]);
  });

  it("refuses a guard that exempts a principal exempt from nothing else (a new door)", async () => {
    const door = "arn:aws:iam::*:role/break-glass";
    const resources = await prodWith(RUNSHELL, (statements) => {
      const s = statementWithSid(statements, "ExemptRoles");
      setExemptions(s, [...exemptions(s), door]);
    });
    const { messages } = await validateStack(scpExemptionsProtected, resources);
    // The three roles ExemptRoles guards, and the door itself (exempt from ExemptRoles only).
    expect(messages).to.have.length(4);
    expect(messages[0]).to.include(`Exemption ${LZA_SETTINGS_ROLE} `);
    expect(messages[0]).to.include(
      `${RUNSHELL} statement ExemptRoles also exempts ${door}, exempt from nothing else (a new door)`,
    );
    expect(messages[3]).to.match(
      /^Exemption arn:aws:iam::\*:role\/break-glass \(ssm-runas-sync-runshell-guardrail statement ExemptRoles\)/,
    );
  });

  it("refuses a guard limited by another condition, saying which", async () => {
    const resources = await prodWith(RUNSHELL, (statements) => {
      const s = statementWithSid(statements, "WriterRole");
      s.Condition = { ...s.Condition, Bool: { "aws:MultiFactorAuthPresent": "false" } };
    });
    const { messages } = await validateStack(scpExemptionsProtected, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^Exemption arn:aws:iam::\*:role\/ssm-runas-sync\/\* /);
    expect(messages[0]).to.include(
      `${RUNSHELL} statement WriterRole applies only under Bool aws:MultiFactorAuthPresent.`,
    );
  });

  it("leaves Identity Center's roles (RunAsTagged) alone, and no other pattern", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      setExemptions(statementWithSid(statements, "RunAsTagged"), [IDC, "arn:aws:iam::*:role/tagged-ops"]);
    });
    const { messages } = await validateStack(scpExemptionsProtected, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^Exemption arn:aws:iam::\*:role\/tagged-ops \(ssm-runas-sync-session-guardrail statement RunAsTagged\)/,
    );
  });

  it("refuses the same through runPolicyPack, with no resource (a stack policy)", async () => {
    const report = await runPolicyPack(await prodWith(RUNSHELL, withoutSid("StackSetRole")), {
      project: "ssm-runas-sync",
      stack: "prod",
    });
    const found = report.violations.filter((v) => v.policy === "ssm-runas-scp-exemptions-protected");
    expect(found).to.have.length(1);
    expect(found[0]).to.include({ enforcementLevel: "mandatory", resource: null });
    expect(found[0].message).to.match(/^Exemption arn:aws:iam::\*:role\/stacksets-exec-\* /);
  });
});

describe("policy ssm-runas-scp-session-documents", () => {
  it("defaults allowedSessionDocuments to []", () => {
    expect(resolvePolicyConfig(scpSessionDocuments).properties).to.deep.equal({
      allowedSessionDocuments: [],
    });
  });

  for (const [sid, message] of [
    [
      "SessionDocuments",
      /^No Deny of ssm:StartSession refuses every document but SSM-SessionManagerRunShell \(allowedSessionDocuments\)/,
    ],
    [
      "ForeignDocuments",
      /^No Deny of ssm:StartSession on SSM-SessionManagerRunShell of other accounts \(StringNotEquals aws:ResourceAccount "\$\{aws:PrincipalAccount\}"\)/,
    ],
    [
      "SessionDocumentTypes",
      /^No Deny of ssm:CreateDocument, ssm:UpdateDocument, ssm:UpdateDocumentDefaultVersion on every document with StringEquals ssm:DocumentType "Session"/,
    ],
  ] as const) {
    it(`refuses the session guardrail without ${sid}, naming the missing statement`, async () => {
      const { messages } = await validateStack(scpSessionDocuments, await prodWith(SESSION, withoutSid(sid)));
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(message);
    });
  }

  it("refuses a NotResource that lets another document through (a wildcard document)", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      const s = statementWithSid(statements, "SessionDocuments");
      s.NotResource = [...list(s.NotResource), "arn:aws:ssm:*:*:document/Custom-*"];
    });
    expect((await validateStack(scpSessionDocuments, resources)).messages).to.have.length(1);
  });

  it("refuses the foreign-document Deny when it compares with another account key", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      statementWithSid(statements, "ForeignDocuments").Condition = {
        StringNotEquals: { "aws:ResourceAccount": "111122223333" },
      };
    });
    expect((await validateStack(scpSessionDocuments, resources)).messages).to.have.length(1);
  });

  it("refuses a stack that allows AWS-StartSSHSession unless the pack's config allows it too", async () => {
    const resources = await programWith({ allowedSessionDocuments: ["AWS-StartSSHSession"] });
    const { messages } = await validateStack(scpSessionDocuments, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^No Deny of ssm:StartSession refuses every document but SSM-SessionManagerRunShell /,
    );
    const config = {
      "ssm-runas-scp-session-documents": { allowedSessionDocuments: ["AWS-StartSSHSession"] },
    };
    expect(await validateStack(scpSessionDocuments, resources, { config })).to.deep.equal({ messages: [] });
  });

  it("wants the foreign-document Deny on every own allowed document", async () => {
    const resources = await programWith({ allowedSessionDocuments: ["Ops-Shell"] });
    const config = { "ssm-runas-scp-session-documents": { allowedSessionDocuments: ["Ops-Shell"] } };
    expect(await validateStack(scpSessionDocuments, resources, { config })).to.deep.equal({ messages: [] });
    const narrowed = withGuardrailStatements(resources, SESSION, (statements) => {
      const s = statementWithSid(statements, "ForeignDocuments");
      s.Resource = list(s.Resource).filter((r) => !r.endsWith("/Ops-Shell"));
    });
    const { messages } = await validateStack(scpSessionDocuments, narrowed, { config });
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^No Deny of ssm:StartSession on Ops-Shell of other accounts/);
  });
});

describe("policy ssm-runas-scp-run-as-tag", () => {
  it("refuses the session guardrail without RunAsTag", async () => {
    const { messages } = await validateStack(scpRunAsTag, await prodWith(SESSION, withoutSid("RunAsTag")));
    expect(messages).to.deep.equal([
      "No Deny of iam:TagRole, iam:TagUser, iam:CreateRole, iam:CreateUser, sts:TagSession on every role and user " +
        "with ForAnyValue:StringEqualsIgnoreCase aws:TagKeys SSMSessionRunAs: a principal could give itself (or a " +
        "role it creates) the RunAs user it likes.",
    ]);
  });

  for (const operator of ["ForAnyValue:StringEquals", "ForAllValues:StringEqualsIgnoreCase"]) {
    it(`refuses the tag Deny under ${operator} (case-sensitive, or true for requests without the tag)`, async () => {
      const resources = await prodWith(SESSION, (statements) => {
        statementWithSid(statements, "RunAsTag").Condition = {
          [operator]: { "aws:TagKeys": ["SSMSessionRunAs"] },
        };
      });
      expect((await validateStack(scpRunAsTag, resources)).messages).to.have.length(1);
    });
  }

  it("refuses a tag Deny that leaves sts:TagSession out", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      const s = statementWithSid(statements, "RunAsTag");
      s.Action = list(s.Action).filter((a) => a !== "sts:TagSession");
    });
    const { messages } = await validateStack(scpRunAsTag, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^No Deny of sts:TagSession on every role and user/);
  });

  it("refuses the session guardrail without RunAsTagged", async () => {
    const { messages } = await validateStack(scpRunAsTag, await prodWith(SESSION, withoutSid("RunAsTagged")));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^No Deny of ssm:StartSession for principals carrying aws:PrincipalTag\/SSMSessionRunAs/,
    );
  });

  for (const [what, patterns] of [
    ["exempts another role besides Identity Center's", [IDC, "arn:aws:iam::*:role/ops-*"]],
    ["no longer exempts Identity Center's roles", []],
  ] as const) {
    it(`refuses a RunAsTagged Deny that ${what}`, async () => {
      const resources = await prodWith(SESSION, (statements) => {
        const s = statementWithSid(statements, "RunAsTagged");
        if (patterns.length === 0) delete s.Condition?.ArnNotLike;
        else setExemptions(s, [...patterns]);
      });
      expect((await validateStack(scpRunAsTag, resources)).messages).to.have.length(1);
    });
  }
});

describe("policy ssm-runas-scp-session-regions (advisory)", () => {
  it("warns about a stack with restrictSessionRegions false", async () => {
    const { messages } = await validateStack(
      scpSessionRegions,
      await programWith({ restrictSessionRegions: false }),
    );
    expect(messages).to.deep.equal([
      "No Deny of ssm:StartSession outside the stack's regions (StringNotEquals aws:RequestedRegion): in a region " +
        "without the RunShell document, sessions run as ssm-user. Set restrictSessionRegions: true, or make sure " +
        "another SCP restricts regions.",
    ]);
  });

  it("warns about a region Deny limited by another condition", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      const s = statementWithSid(statements, "SessionRegions");
      s.Condition = { ...s.Condition, StringEquals: { "aws:PrincipalTag/team": "ops" } };
    });
    expect((await validateStack(scpSessionRegions, resources)).messages).to.have.length(1);
  });
});

describe("policy ssm-runas-scp-stackset-role-exemptions", () => {
  it("refuses a StackSet-role Deny that also exempts the deploy roles (service-managed)", async () => {
    const resources = await prodWith(RUNSHELL, (statements) => {
      setExemptions(statementWithSid(statements, "StackSetRole"), [STACKSET_ROLE, ...LZA_DEPLOY]);
    });
    const { messages } = await validateStack(scpStackSetRoleExemptions, resources);
    expect(messages).to.deep.equal([
      `No Deny that exempts nothing but ${STACKSET_ROLE} covers ${ROLE_WRITE_ACTIONS.join(", ")} on it ` +
        `(${RUNSHELL} statement StackSetRole exempts ${LZA_DEPLOY.join(", ")}): whoever else is exempt could ` +
        "change the role the writer trusts, or become it.",
    ]);
  });

  it("leaves a self-managed StackSet's role (pack config) to ssm-runas-scp-exemptions-protected", async () => {
    const resources = await programWith({ stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE });
    const config = {
      "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE },
    };
    expect(await validateStack(scpStackSetRoleExemptions, resources, { config })).to.deep.equal({
      messages: [],
    });
    expect(await validateStack(scpExemptionsProtected, resources)).to.deep.equal({ messages: [] });
    // With the pack's default, stacksets-exec-* is protected by nothing in those SCPs.
    expect((await validateStack(scpStackSetRoleExemptions, resources)).messages).to.have.length(1);
  });
});

describe("policy ssm-runas-scp-delegated-admin", () => {
  it("defaults deployPrincipalArns to LZA's pipeline roles, as the example stacks list them", () => {
    expect(resolvePolicyConfig(scpDelegatedAdmin).properties).to.deep.equal({
      deployPrincipalArns: LZA_DEPLOY,
    });
    for (const stack of EXAMPLE_STACKS) {
      expect(exampleRawConfig(stack).deployPrincipalArns).to.deep.equal(LZA_DEPLOY);
    }
  });

  for (const [sid, what] of [
    ["StackSets", "every StackSet (arn:aws:cloudformation:*:*:stackset/*)"],
    ["AbacConfiguration", "the ABAC configuration (arn:aws:sso:::instance/*)"],
  ]) {
    it(`refuses the session guardrail without ${sid}`, async () => {
      const { messages } = await validateStack(scpDelegatedAdmin, await prodWith(SESSION, withoutSid(sid)));
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(/^No Deny exempting nothing but deployPrincipalArns covers /);
      expect(messages[0]).to.include(` on ${what}.`);
    });
  }

  it("refuses a StackSets Deny that exempts everyone", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      setExemptions(statementWithSid(statements, "StackSets"), [...LZA_DEPLOY, "arn:aws:iam::*:role/*"]);
    });
    const { messages } = await validateStack(scpDelegatedAdmin, resources);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include(`${SESSION} statement StackSets exempts everyone (arn:aws:iam::*:role/*)`);
  });

  it("accepts the RunShell StackSet covered through stackset/*, but refuses a Deny narrowed to it alone", async () => {
    const prod = await exampleResources("prod");
    const session = JSON.parse(String(prod.find((r) => r.inputs.name === SESSION)?.inputs.content)) as {
      Statement: ScpStatement[];
    };
    expect(list(statementWithSid(session.Statement, "StackSets").Resource)).to.include(
      "arn:aws:cloudformation:*:*:stackset/*",
    );
    expect(await validateStack(scpDelegatedAdmin, prod)).to.deep.equal({ messages: [] });
    const narrowed = await prodWith(SESSION, (statements) => {
      statementWithSid(statements, "StackSets").Resource = [
        "arn:aws:cloudformation:*:*:stackset/ssm-runas-sync-runshell:*",
      ];
    });
    const { messages } = await validateStack(scpDelegatedAdmin, narrowed);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(
      /^No Deny exempting nothing but deployPrincipalArns covers cloudformation:CreateStackSet, .* on every StackSet/,
    );
  });

  it("refuses the prod stack when the pack's config names no deploy role, and a stack without any passes it", async () => {
    const config = { "ssm-runas-scp-delegated-admin": { deployPrincipalArns: [] } };
    const { messages } = await validateStack(scpDelegatedAdmin, await exampleResources("prod"), { config });
    expect(messages).to.have.length(2);
    expect(messages[1]).to.include(
      `${SESSION} statement AbacConfiguration exempts ${LZA_DEPLOY.join(", ")}, not in deployPrincipalArns`,
    );
    const none = await programWith({ deployPrincipalArns: [] });
    expect(await validateStack(scpDelegatedAdmin, none, { config })).to.deep.equal({ messages: [] });
  });
});

describe("policy ssm-runas-scp-fallback-user-association", () => {
  const WRITER_ROLE = "arn:aws:iam::*:role/ssm-runas-sync/*";
  const refusal =
    "No Deny of ssm:UpdateAssociation, ssm:DeleteAssociation, ssm:AddTagsToResource, ssm:RemoveTagsFromResource " +
    "on arn:aws:ssm:*:*:association/* under Null aws:ResourceTag/ssm-runas-sync false, exempting no one but " +
    `the writer's managers (${STACKSET_ROLE}, ${WRITER_ROLE}): an account admin could change or delete the fallback-user association, ` +
    "and new nodes would never get the user.";

  it("refuses the session guardrail without FallbackUserAssociation", async () => {
    const resources = await prodWith(SESSION, withoutSid("FallbackUserAssociation"));
    const { messages } = await validateStack(scpProtectsFallbackUserAssociation, resources);
    expect(messages).to.deep.equal([refusal]);
  });

  it("refuses it exempting another exempt role, or holding under another condition too", async () => {
    for (const change of [
      (s: ScpStatement) => setExemptions(s, [STACKSET_ROLE, WRITER_ROLE, LZA_SETTINGS_ROLE]),
      (s: ScpStatement) => {
        s.Condition = { ...s.Condition, StringEquals: { "aws:RequestedRegion": "eu-west-1" } };
      },
    ]) {
      const resources = await prodWith(SESSION, (statements) => {
        change(statementWithSid(statements, "FallbackUserAssociation"));
      });
      expect((await validateStack(scpProtectsFallbackUserAssociation, resources)).messages).to.deep.equal([
        refusal,
      ]);
    }
  });

  it("refuses it exempting no one: CloudFormation and the writer would be held too", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      setExemptions(statementWithSid(statements, "FallbackUserAssociation"), []);
    });
    const { messages } = await validateStack(scpProtectsFallbackUserAssociation, resources);
    expect(messages).to.deep.equal([
      `${SESSION} statement FallbackUserAssociation denies ssm:UpdateAssociation on associations without ` +
        `exempting ${STACKSET_ROLE}, ${WRITER_ROLE}: CloudFormation could not update or delete the fallback-user ` +
        "association, nor the writer put it back.",
    ]);
  });

  it("refuses a Deny of the SSM Agent's reports, naming it", async () => {
    const resources = await prodWith(SESSION, (statements) => {
      const guard = statementWithSid(statements, "FallbackUserAssociation");
      guard.NotAction = list(guard.NotAction).filter((a) => a !== "ssm:UpdateInstanceAssociationStatus");
    });
    const { messages } = await validateStack(scpProtectsFallbackUserAssociation, resources);
    expect(messages).to.deep.equal([
      `${SESSION} statement FallbackUserAssociation denies ssm:UpdateInstanceAssociationStatus on associations: ` +
        "the SSM Agent reports each run of the fallback-user association with it, so no node would ever count " +
        "as having the user.",
    ]);
  });

  it("takes a self-managed StackSet's role from the writer's own Deny, no config needed", async () => {
    const resources = await programWith({ stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE });
    expect(await validateStack(scpProtectsFallbackUserAssociation, resources)).to.deep.equal({
      messages: [],
    });
  });
});
