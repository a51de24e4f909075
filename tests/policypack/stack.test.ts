import { expect } from "chai";
import { stackComplete } from "../../policypack/stack";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { policyResources, stackTagsFor, stackValidationArgs } from "../../synth/policyArgs";
import { resolvePolicyConfig } from "../../synth/policyConfig";
import { EXAMPLE_STACKS } from "../support/exampleStacks";
import { declared, exampleResources, validateStack, withInputs } from "../support/policyHarness";

const ABAC = "aws-native:sso:InstanceAccessControlAttributeConfiguration";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const SCP = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";

const RUNSHELL = "ssm-runas-sync-runshell-guardrail";
const ATTACHMENT_KINDS = "(an organizations PolicyAttachment, or a target in its LZA export entry)";
const SESSION = "ssm-runas-sync-session-guardrail";

const without = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type !== type);

/** An attachment the program declares for `scp`: its policyId is the policy's id on the mock runtime. */
function linked(attachment: DeclaredResource, scp: DeclaredResource): boolean {
  return attachment.inputs.policyId === `${scp.name}-id`;
}

describe("policy ssm-runas-stack-complete", () => {
  it("is a mandatory stack policy whose projects default to ssm-runas-sync", () => {
    expect(stackComplete.enforcementLevel).to.equal("mandatory");
    expect(resolvePolicyConfig(stackComplete).properties).to.deep.equal({ projects: ["ssm-runas-sync"] });
  });

  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack as the program declares it`, async () => {
      const resources = await exampleResources(stack);
      expect(await validateStack(stackComplete, resources)).to.deep.equal({ messages: [] });
    });
  }

  for (const [type, missing] of [
    [ABAC, "an IAM Identity Center ABAC configuration"],
    [STACK_SET, "the RunShell StackSet (ssm-runas-sync-runshell) or its LZA export"],
    [
      SCP,
      "an SCP guarding SSM-SessionManagerRunShell, the session guardrail SCP (ssm-runas-sync-session-guardrail)",
    ],
    [
      ATTACHMENT,
      `an attachment of the RunShell guardrail SCP ${ATTACHMENT_KINDS}, ` +
        `an attachment of the session guardrail SCP ${ATTACHMENT_KINDS}`,
    ],
  ]) {
    it(`refuses the program's stack without ${missing}`, async () => {
      const resources = without(await exampleResources("dev"), type);
      expect(await validateStack(stackComplete, resources)).to.deep.equal({
        messages: [`The stack is missing ${missing}.`],
      });
    });
  }

  for (const [guardrail, name] of [
    ["RunShell", RUNSHELL],
    ["session", SESSION],
  ] as const) {
    it(`refuses the program's stack without the ${guardrail} guardrail, or without its attachment`, async () => {
      const resources = await exampleResources("prod");
      const scp = resources.find((r) => r.type === SCP && r.inputs.name === name);
      if (!scp) throw new Error(`the program declares ${name}`);
      const withoutScp = resources.filter((r) => r !== scp);
      const missingScp =
        guardrail === "RunShell"
          ? "an SCP guarding SSM-SessionManagerRunShell"
          : "the session guardrail SCP (ssm-runas-sync-session-guardrail)";
      expect((await validateStack(stackComplete, withoutScp)).messages).to.deep.equal([
        `The stack is missing ${missingScp}.`,
      ]);
      const unattached = resources.filter((r) => !(r.type === ATTACHMENT && linked(r, scp)));
      expect(unattached.length).to.be.lessThan(resources.length);
      expect((await validateStack(stackComplete, unattached)).messages).to.deep.equal([
        `The stack is missing an attachment of the ${guardrail} guardrail SCP ${ATTACHMENT_KINDS}.`,
      ]);
    });
  }

  it("does not count an SCP that neither has the guardrail's name nor names the RunShell document or writer", async () => {
    const regionsOnly = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          NotAction: ["iam:*", "organizations:*", "sts:*"],
          Resource: "*",
          Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } },
        },
      ],
    });
    const resources = (await exampleResources("dev")).map((r) =>
      r.type === SCP && r.inputs.name === RUNSHELL
        ? withInputs(r, (inputs) => {
            inputs.name = "regions";
            inputs.content = regionsOnly;
          })
        : r,
    );
    expect((await validateStack(stackComplete, resources)).messages).to.deep.equal([
      "The stack is missing an SCP guarding SSM-SessionManagerRunShell.",
    ]);
  });

  it("does not count an attachment of another policy", async () => {
    const resources = (await exampleResources("prod")).map((r) =>
      r.type === ATTACHMENT ? withInputs(r, (inputs) => (inputs.policyId = "p-other")) : r,
    );
    expect((await validateStack(stackComplete, resources)).messages).to.deep.equal([
      `The stack is missing an attachment of the RunShell guardrail SCP ${ATTACHMENT_KINDS}, ` +
        `an attachment of the session guardrail SCP ${ATTACHMENT_KINDS}.`,
    ]);
  });

  it("links an attachment to the SCP by its dependency when the policy id is not known yet (preview)", async () => {
    const resources = policyResources(await exampleResources("dev"));
    const scp = resources.find((r) => r.type === SCP);
    const attachment = resources.find((r) => r.type === ATTACHMENT);
    if (!scp || !attachment) throw new Error("the program declares an SCP and an attachment");
    delete attachment.props.policyId;
    const tags = stackTagsFor("ssm-runas-sync", "dev");
    const config = () => resolvePolicyConfig(stackComplete).properties;
    const unlinked: string[] = [];
    await stackComplete.validateStack(stackValidationArgs(resources, config, tags), (m) => unlinked.push(m));
    expect(unlinked).to.have.length(1);
    attachment.propertyDependencies = { policyId: [scp] };
    const linked: string[] = [];
    await stackComplete.validateStack(stackValidationArgs(resources, config, tags), (m) => linked.push(m));
    expect(linked).to.deep.equal([]);
  });

  it("refuses an ssm-runas-sync stack that declares nothing at all", async () => {
    expect(await validateStack(stackComplete, [])).to.deep.equal({
      messages: [
        "The stack is missing an IAM Identity Center ABAC configuration, the RunShell StackSet " +
          "(ssm-runas-sync-runshell) or its LZA export, an SCP guarding SSM-SessionManagerRunShell, the session guardrail SCP " +
          "(ssm-runas-sync-session-guardrail).",
      ],
    });
  });

  it("applies to a stack of another project once it holds the RunShell SCP", async () => {
    const scpOnly = (await exampleResources("dev")).filter((r) => r.type === SCP || r.type === ATTACHMENT);
    const outcome = await validateStack(stackComplete, scpOnly, { project: "security-baseline" });
    expect(outcome.messages).to.have.length(1);
    expect(outcome.messages[0]).to.match(
      /missing an IAM Identity Center ABAC configuration, the RunShell StackSet/,
    );
  });

  it("is not applicable to other projects' stacks without the StackSet or the SCP (e.g. ABAC alone)", async () => {
    const abacOnly = (await exampleResources("dev")).filter((r) => r.type === ABAC);
    const bucket = [declared("aws:s3/bucket:Bucket", "logs", {})];
    for (const resources of [abacOnly, bucket]) {
      const outcome = await validateStack(stackComplete, resources, { project: "identity" });
      expect(outcome.messages).to.deep.equal([]);
      expect(outcome.notApplicable).to.match(/not an ssm-runas-sync stack/);
    }
  });

  it("takes the projects it requires everything of from the pack's config", async () => {
    const config = { "ssm-runas-stack-complete": { projects: ["runas-platform"] } };
    const renamed = await validateStack(stackComplete, [], { project: "runas-platform", config });
    expect(renamed.messages).to.have.length(1);
    const original = await validateStack(stackComplete, [], { project: "ssm-runas-sync", config });
    expect(original.notApplicable).to.be.a("string");
  });
});
