// The deployment plan (plan.md, plan.json) as the real synth writes it: what it lists for the example stacks, what
// a widened config adds to its diff, and that it reads the exemptions from the rendered SCPs and the hash from the
// template, not from the config.
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { writerInlineCode } from "../../lambda/bundle";
import {
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  WRITER_ROLE_ARN_PATTERN,
} from "../../policypack/rules/names";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { buildPlan, type Plan } from "../../synth/plan";
import { renderPlanMarkdown } from "../../synth/planMarkdown";
import { planSummary } from "../../synth/planSummary";
import { synth, type SynthResult } from "../../synth/synth";
import { REPO_ROOT } from "../support/cli";
import {
  exampleResources,
  only,
  statementWithSid,
  withGuardrailStatements,
  withInputs,
  withTemplate,
} from "../support/policyHarness";

type StackConfig = Record<string, unknown>;

function readStack(stack: string): StackConfig {
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  return (parse(fs.readFileSync(file, "utf8")) as { config: StackConfig }).config;
}

const key = (name: string) => `ssm-runas-sync:${name}`;

/**
 * Synth of `config` as stack `stack` in a project folder of its own, into that folder's out/, with the policy
 * pack's config `packConfig` when given.
 */
async function synthConfig(
  config: StackConfig,
  stack: string,
  packConfig?: Record<string, unknown>,
): Promise<SynthResult & { dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-plan-"));
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  let policyPackConfig: string | undefined;
  if (packConfig) {
    policyPackConfig = path.join(dir, "policy-config.json");
    fs.writeFileSync(policyPackConfig, JSON.stringify(packConfig));
  }
  const result = await synth({ stack, projectDir: dir, out: path.join(dir, "out"), policyPackConfig });
  expect(result.ok, result.errors.join("\n")).to.equal(true);
  return { ...result, dir };
}

const planMd = (result: SynthResult) => fs.readFileSync(path.join(result.outDir, "plan.md"), "utf8");

/** Lines of `after` that `before` lacks, and the other way round, counting repeats (a line diff without order). */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const minus = (a: string[], b: string[]) => {
    const left = [...b];
    return a.filter((line) => {
      const at = left.indexOf(line);
      if (at < 0) return true;
      left.splice(at, 1);
      return false;
    });
  };
  const [a, b] = [before.split("\n"), after.split("\n")];
  return { added: minus(b, a), removed: minus(a, b) };
}

const scpText = (result: SynthResult, policy: string) =>
  fs.readFileSync(path.join(result.outDir, "scp", `${policy}.json`), "utf8");
/**
 * The row of the SCP as synth wrote it to scp/<policy>.json: its length, and the SHA-256 of its JSON with every
 * list of strings sorted (the order the config lists things in is no change to what it denies).
 */
const digestRow = (result: SynthResult, policy: string) => {
  const text = scpText(result, policy);
  const sortLists = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
      Array.isArray(item) && item.every((v) => typeof v === "string") ? [...(item as string[])].sort() : item,
    );
  const sha256 = createHash("sha256")
    .update(JSON.stringify(sortLists(JSON.parse(text))))
    .digest("hex");
  return `| \`${policy}\` | ${text.length} | \`${sha256}\` |`;
};
const codes = (values: string[]) =>
  [...values]
    .sort()
    .map((v) => `\`${v}\``)
    .join(", ");

const sessionRegionsRow = (regions: string[]) =>
  `| \`${SESSION_GUARDRAIL_POLICY_NAME}\` \`SessionRegions\` | Deny | \`ssm:StartSession\` | \`*\` | ` +
  `StringNotEquals \`aws:RequestedRegion\` ${codes(regions)} |`;

const instanceRow = (target: string, region: string, user: string) =>
  `| \`${target}\` | \`${region}\` | \`${user}\` | \`ssm-runas-sync-runshell\` | Pulumi |`;
const attachmentRow = (policy: string, target: string) => `| \`${policy}\` | \`${target}\` | Pulumi |`;

describe("synth plan.md and plan.json", () => {
  describe("prod", () => {
    const prod = readStack("prod");
    const regions = prod[key("regions")] as string[];
    const targets = prod[key("deploymentTargets")] as string[];
    const scpTargets = prod[key("scpTargets")] as string[];
    const user = prod[key("runAsDefaultUser")] as string;
    let result: SynthResult;
    let text: string;

    before(async () => {
      result = await synth({ stack: "prod", out: fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-plan-")) });
      expect(result.ok, result.errors.join("\n")).to.equal(true);
      text = planMd(result);
    });

    it("is the stack the acceptance names: 4 regions and the management account", () => {
      expect(regions).to.have.length(4);
      expect(prod[key("includeManagementAccount")]).to.equal(true);
      expect(prod[key("organizationalUnitOverrides")], "no per-OU user in prod").to.equal(undefined);
    });

    it("lists 4 regions × every target, one row each, with the fallback user", () => {
      const rows = text.split("\n").filter((line) => line.endsWith("| `ssm-runas-sync-runshell` | Pulumi |"));
      const expected = targets.flatMap((target) =>
        regions.map((region) => instanceRow(target, region, user)),
      );
      expect(expected).to.have.length(4 * targets.length);
      expect(rows).to.have.members(expected);
      expect(rows).to.have.length(expected.length);
    });

    it("lists every SCP attachment: each rendered policy × every SCP target", () => {
      const policies = fs
        .readdirSync(path.join(result.outDir, "scp"))
        .map((file) => file.replace(/\.json$/, ""));
      expect(policies).to.have.members([RUNSHELL_GUARDRAIL_POLICY_NAME, SESSION_GUARDRAIL_POLICY_NAME]);
      for (const policy of policies) {
        for (const target of scpTargets) expect(text).to.include(attachmentRow(policy, target));
      }
      expect(result.plan?.scpAttachments).to.have.length(policies.length * scpTargets.length);
    });

    it("lists the management-account stacks, one per region", () => {
      for (const region of regions) {
        expect(text).to.include(`| \`ssm-runas-sync-runshell\` | \`${region}\` | \`${user}\` |`);
      }
      expect(result.plan?.managementStacks.map((s) => s.region)).to.have.members(regions);
    });

    it("shows the ABAC keys and sources, and that the configuration is imported", () => {
      for (const { key: attribute, source } of prod[key("accessControlAttributes")] as {
        key: string;
        source: string;
      }[]) {
        expect(text).to.include(`| \`${attribute}\` | \`${source}\` |`);
      }
      expect(prod[key("importExistingAbac")]).to.equal(true);
      expect(text).to.include("the configuration is **imported**");
      expect(text).to.include("RunAs: **on**");
    });

    it("writes plan.json as the same plan, and plan.md's summary is the five lines synth prints", () => {
      const json = JSON.parse(fs.readFileSync(path.join(result.outDir, "plan.json"), "utf8")) as Plan;
      expect(json).to.deep.equal(JSON.parse(JSON.stringify(result.plan)));
      expect(result.summary).to.have.length(5);
      const bullets = text.split("\n").filter((line) => line.startsWith("- "));
      expect(bullets.map((line) => line.slice(2).replace(/: /, ":"))).to.deep.equal(
        result.summary.map((line) => line.replace(/: +/, ":")),
      );
    });

    it("hashes the template's inline code (SHA-256 of Code.ZipFile, with its runtime) and its fallback-user association", () => {
      const template = JSON.parse(
        fs.readFileSync(path.join(result.outDir, "runshell-stackset.template.json"), "utf8"),
      ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
      const fn = Object.values(template.Resources).find((r) => r.Type === "AWS::Lambda::Function");
      const zipFile = (fn?.Properties.Code as { ZipFile: string }).ZipFile;
      expect(zipFile).to.equal(writerInlineCode());
      const sha256 = createHash("sha256").update(zipFile).digest("hex");
      // The association runs its script as root on every managed node: the plan shows when it changes.
      const association = template.Resources.FallbackUserAssociation;
      expect(association.Type).to.equal("AWS::SSM::Association");
      const associationSha256 = createHash("sha256")
        .update(JSON.stringify(association.Properties))
        .digest("hex");
      expect(result.plan?.writers).to.deep.equal([
        {
          codeSha256: sha256,
          runtime: fn?.Properties.Runtime,
          fallbackUserAssociationSha256: associationSha256,
          carriers: ["StackSet ssm-runas-sync-runshell", "management-account stacks"],
        },
      ]);
      expect(text).to.include(`| \`${fn?.Properties.Runtime}\` | \`${sha256}\` | \`${associationSha256}\` |`);
    });
  });

  describe("exempt principals, read from the rendered SCPs", () => {
    let result: SynthResult;
    before(async () => {
      result = await synth({ stack: "dev", out: fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-plan-")) });
      expect(result.ok, result.errors.join("\n")).to.equal(true);
    });

    const statementsOf = (plan: Plan | undefined, principal: string) =>
      (plan?.exemptions ?? [])
        .filter((e) => e.principal === principal)
        .map((e) => `${e.policy}/${e.statement}`);

    it("the writer role escapes the document writes, its logs and the association it protects, not the session statements", () => {
      const document = JSON.parse(
        fs.readFileSync(path.join(result.outDir, "scp", `${RUNSHELL_GUARDRAIL_POLICY_NAME}.json`), "utf8"),
      ) as { Statement: { Sid: string; Action?: string[] }[] };
      const documentWrites = document.Statement.find((s) => s.Sid === "RunShellDocument");
      const exemption = result.plan?.exemptions.find(
        (e) => e.principal === WRITER_ROLE_ARN_PATTERN && e.statement === "RunShellDocument",
      );
      expect(exemption?.actions).to.deep.equal({ not: false, values: documentWrites?.Action });
      // docs/design.md: exempt from RunShellDocument and SessionDocumentTypes (and the log group it writes, and
      // the fallback-user association it tags and restores), and from nothing else.
      expect(statementsOf(result.plan, WRITER_ROLE_ARN_PATTERN)).to.have.members([
        `${RUNSHELL_GUARDRAIL_POLICY_NAME}/RunShellDocument`,
        `${RUNSHELL_GUARDRAIL_POLICY_NAME}/WriterLogs`,
        `${SESSION_GUARDRAIL_POLICY_NAME}/SessionDocumentTypes`,
        `${SESSION_GUARDRAIL_POLICY_NAME}/FallbackUserAssociation`,
      ]);
      for (const sid of [
        "SessionDocuments",
        "ForeignDocuments",
        "RunAsTagged",
        "SessionRegions",
        "StackSets",
      ]) {
        expect(statementsOf(result.plan, WRITER_ROLE_ARN_PATTERN)).to.not.include(
          `${SESSION_GUARDRAIL_POLICY_NAME}/${sid}`,
        );
      }
    });

    it("Identity Center's roles escape only RunAsTagged, with the statement's other condition shown", () => {
      const idc = (result.plan?.exemptions ?? []).filter(
        (e) => e.known === "Identity Center's permission-set roles",
      );
      expect(idc.map((e) => e.statement)).to.deep.equal(["RunAsTagged"]);
      expect(idc[0].conditions).to.deep.equal([
        { operator: "Null", key: "aws:PrincipalTag/SSMSessionRunAs", values: ["false"] },
      ]);
    });

    it("follows the SCP text, not the config: a principal added to a statement's ArnNotEquals shows up", async () => {
      const added = "arn:aws:iam::*:role/break-glass";
      const resources = withGuardrailStatements(
        await exampleResources("dev"),
        SESSION_GUARDRAIL_POLICY_NAME,
        (s) => {
          statementWithSid(s, "SessionRegions").Condition = {
            ...statementWithSid(s, "SessionRegions").Condition,
            ArnNotEquals: { "AWS:PrincipalArn": added },
          };
        },
      );
      const plan = buildPlan(resources, "dev");
      expect(plan.exemptions.filter((e) => e.principal === added)).to.deep.equal([
        {
          principal: added,
          known: undefined,
          operator: "ArnNotEquals",
          policy: SESSION_GUARDRAIL_POLICY_NAME,
          statement: "SessionRegions",
          actions: { not: false, values: ["ssm:StartSession"] },
          resources: { not: false, values: ["*"] },
          conditions: [{ operator: "StringNotEquals", key: "aws:RequestedRegion", values: ["eu-west-1"] }],
        },
      ]);
    });
  });

  describe("every SCP statement, so that any change to the SCPs shows", () => {
    const prod = readStack("prod");
    const SESSION = SESSION_GUARDRAIL_POLICY_NAME;
    let current: SynthResult;
    before(async () => {
      current = await synthConfig(prod, "prod");
    });

    it("has one row per statement of each SCP written to scp/, in the text's order", () => {
      const text = planMd(current);
      for (const policy of [RUNSHELL_GUARDRAIL_POLICY_NAME, SESSION]) {
        const sids = (JSON.parse(scpText(current, policy)) as { Statement: { Sid: string }[] }).Statement.map(
          (s) => s.Sid,
        );
        const rows = text.split("\n").filter((line) => line.startsWith(`| \`${policy}\` \``));
        expect(rows.map((line) => /^\| `[^`]+` `([^`]+)`/.exec(line)?.[1])).to.deep.equal(sids);
        expect(text).to.include(digestRow(current, policy));
      }
    });

    it("prod with restrictSessionRegions false: the SessionRegions row goes, and the session SCP's digest changes", async () => {
      const after = await synthConfig({ ...prod, [key("restrictSessionRegions")]: false }, "prod");
      const { added, removed } = lineDiff(planMd(current), planMd(after));
      expect(removed).to.deep.equal([
        sessionRegionsRow(prod[key("regions")] as string[]),
        digestRow(current, SESSION),
      ]);
      expect(added).to.deep.equal([digestRow(after, SESSION)]);
    });

    it("prod with AWS-StartSSHSession allowed (stack and pack config): the SessionDocuments row names it, and the digest changes", async () => {
      const ssh = ["AWS-StartSSHSession"];
      const after = await synthConfig({ ...prod, [key("allowedSessionDocuments")]: ssh }, "prod", {
        "ssm-runas-scp-session-documents": { allowedSessionDocuments: ssh },
      });
      const documents = (names: string[]) =>
        `| \`${SESSION}\` \`SessionDocuments\` | Deny | \`ssm:StartSession\` | everything but ` +
        codes([
          ...names.map((name) => `arn:aws:ssm:*:*:document/${name}`),
          "arn:aws:ec2:*:*:instance/*",
          "arn:aws:ssm:*:*:managed-instance/*",
          "arn:aws:ecs:*:*:task/*",
        ]) +
        " | always |";
      const { added, removed } = lineDiff(planMd(current), planMd(after));
      expect(removed).to.deep.equal([documents(["SSM-SessionManagerRunShell"]), digestRow(current, SESSION)]);
      expect(added).to.deep.equal([
        documents(["SSM-SessionManagerRunShell", "AWS-StartSSHSession"]),
        digestRow(after, SESSION),
      ]);
    });
  });

  describe("exemptions the pack reads beyond ArnNotLike (policypack/iam.ts)", () => {
    it("a StringNotLike or StringNotEqualsIfExists on aws:PrincipalArn is a row; an aws:PrincipalTag condition only shows in the statement", async () => {
      const [ops, audit] = ["arn:aws:iam::*:role/ops-*", "arn:aws:iam::111122223333:role/audit"];
      const resources = withGuardrailStatements(
        await exampleResources("dev"),
        SESSION_GUARDRAIL_POLICY_NAME,
        (s) => {
          statementWithSid(s, "SessionRegions").Condition = {
            ...statementWithSid(s, "SessionRegions").Condition,
            StringNotLike: { "aws:PrincipalArn": [ops] },
            StringNotEqualsIfExists: { "aws:principalarn": audit },
          };
          statementWithSid(s, "SessionDocuments").Condition = {
            StringNotEquals: { "aws:PrincipalTag/team": "platform" },
          };
        },
      );
      const plan = buildPlan(resources, "dev");
      const regions = [{ operator: "StringNotEquals", key: "aws:RequestedRegion", values: ["eu-west-1"] }];
      expect(plan.exemptions.filter((e) => e.statement === "SessionRegions")).to.deep.equal([
        {
          principal: ops,
          known: undefined,
          operator: "StringNotLike",
          policy: SESSION_GUARDRAIL_POLICY_NAME,
          statement: "SessionRegions",
          actions: { not: false, values: ["ssm:StartSession"] },
          resources: { not: false, values: ["*"] },
          conditions: regions,
        },
        {
          principal: audit,
          known: undefined,
          operator: "StringNotEqualsIfExists",
          policy: SESSION_GUARDRAIL_POLICY_NAME,
          statement: "SessionRegions",
          actions: { not: false, values: ["ssm:StartSession"] },
          resources: { not: false, values: ["*"] },
          conditions: regions,
        },
      ]);
      const text = renderPlanMarkdown(plan);
      expect(text).to.include(
        `| \`${ops}\` | StringNotLike | \`${SESSION_GUARDRAIL_POLICY_NAME}\` \`SessionRegions\` | ` +
          "`ssm:StartSession` | `*` | StringNotEquals `aws:RequestedRegion` `eu-west-1` |",
      );
      expect(plan.exemptions.filter((e) => e.statement === "SessionDocuments")).to.deep.equal([]);
      expect(text).to.match(
        /^\| `[^`]+` `SessionDocuments` \| Deny \| .* \| StringNotEquals `aws:PrincipalTag\/team` `platform` \|$/m,
      );
    });
  });

  describe("a widened config", () => {
    const base = readStack("dev");
    const newTarget = "ou-t3st-w1dened01";
    const newScpTarget = "ou-t3st-scpt4rg3";
    const overrideOu = "ou-t3st-dbaonly01";
    const widened: StackConfig = {
      ...base,
      [key("deploymentTargets")]: [...(base[key("deploymentTargets")] as string[]), newTarget],
      [key("regions")]: [...(base[key("regions")] as string[]), "eu-central-1"],
      [key("scpTargets")]: [...(base[key("scpTargets")] as string[]), newScpTarget],
      [key("organizationalUnitOverrides")]: { [overrideOu]: "dba" },
    };

    it("adds exactly its new instances, attachments and session region to plan.md (and the two summary lines that count them)", async () => {
      const baseResult = await synthConfig(base, "base");
      const widenedResult = await synthConfig(widened, "base");
      const [before, after] = [planMd(baseResult), planMd(widenedResult)];
      const [target] = base[key("deploymentTargets")] as string[];
      const [scpTarget] = base[key("scpTargets")] as string[];
      expect(target).to.equal(scpTarget);
      const { added, removed } = lineDiff(before, after);
      expect(added).to.have.members([
        instanceRow(target, "eu-central-1", "ssm-fallback"),
        instanceRow(newTarget, "eu-west-1", "ssm-fallback"),
        instanceRow(newTarget, "eu-central-1", "ssm-fallback"),
        instanceRow(overrideOu, "eu-west-1", "dba"),
        instanceRow(overrideOu, "eu-central-1", "dba"),
        attachmentRow(RUNSHELL_GUARDRAIL_POLICY_NAME, newScpTarget),
        attachmentRow(SESSION_GUARDRAIL_POLICY_NAME, newScpTarget),
        "- StackSet instances: 6 (3 targets × 2 regions), fallback users dba, ssm-fallback",
        "- SCP attachments: 4 (2 policies × 2 targets)",
        // The new region is one more where sessions may start.
        sessionRegionsRow(["eu-central-1", "eu-west-1"]),
        digestRow(widenedResult, SESSION_GUARDRAIL_POLICY_NAME),
      ]);
      expect(added).to.have.length(11);
      expect(removed).to.have.members([
        "- StackSet instances: 1 (1 target × 1 region), fallback user ssm-fallback",
        "- SCP attachments: 2 (2 policies × 1 target)",
        sessionRegionsRow(["eu-west-1"]),
        digestRow(baseResult, SESSION_GUARDRAIL_POLICY_NAME),
      ]);
      expect(removed).to.have.length(4);
    });

    it("is the same plan whatever order the config lists things in", async () => {
      const reversed: StackConfig = { ...widened };
      for (const name of ["deploymentTargets", "regions", "scpTargets"]) {
        reversed[key(name)] = [...(widened[key(name)] as string[])].reverse();
      }
      // One after the other: the mock runtime is one per process.
      const a = await synthConfig(widened, "one");
      const b = await synthConfig(reversed, "one");
      expect(planMd(b)).to.equal(planMd(a));
    });
  });

  describe("RunAs on or off (the break-glass switch)", () => {
    const STACKSET = "aws:cloudformation/stackSet:StackSet";
    const STACK = "aws:cloudformation/stack:Stack";
    const replace = (
      resources: DeclaredResource[],
      type: string,
      change: (r: DeclaredResource) => DeclaredResource,
    ) => resources.map((r) => (r.type === type ? change(r) : r));
    const unsetParameter = (r: DeclaredResource) =>
      withInputs(r, (inputs) => {
        delete (inputs.parameters as Record<string, string>).RunAsEnabled;
      });
    const withParameter = (value: string) => (r: DeclaredResource) =>
      withInputs(r, (inputs) => {
        inputs.parameters = { ...(inputs.parameters as object), RunAsEnabled: value };
      });

    it("is on for the example stacks, and where no parameter RunAsEnabled exists (a template before the switch)", async () => {
      const resources = await exampleResources("prod");
      expect(buildPlan(resources, "prod").runAs).to.equal("on");
      const withoutSwitch = (r: DeclaredResource) =>
        withTemplate(unsetParameter(r), (template) => {
          delete template.Parameters.RunAsEnabled;
        });
      const before = replace(replace(resources, STACKSET, withoutSwitch), STACK, withoutSwitch);
      expect(JSON.parse(String(only(before, STACKSET).inputs.templateBody)).Parameters).to.not.have.property(
        "RunAsEnabled",
      );
      expect(buildPlan(before, "prod").runAs).to.equal("on");
    });

    it("is off when every writer's RunAsEnabled parameter is false, and says so at the top of plan.md", async () => {
      const resources = replace(
        replace(await exampleResources("prod"), STACKSET, withParameter("false")),
        STACK,
        withParameter("false"),
      );
      const plan = buildPlan(resources, "prod");
      expect(plan.runAs).to.equal("off");
      expect(renderPlanMarkdown(plan).split("\n")[4]).to.equal(
        "RunAs: **off** (break-glass): the writer sets `runAsEnabled: false` everywhere it runs.",
      );
      expect(planSummary(plan)[4]).to.match(/^writer: +RunAs off, /);
    });

    it("takes the template's default when the parameter is not set, and is mixed when writers disagree", async () => {
      const defaultOff = (r: DeclaredResource) =>
        withTemplate(unsetParameter(r), (template) => {
          template.Parameters.RunAsEnabled = {
            Type: "String",
            AllowedValues: ["true", "false"],
            Default: "false",
          };
        });
      const resources = await exampleResources("prod");
      expect(
        buildPlan(replace(replace(resources, STACKSET, defaultOff), STACK, defaultOff), "prod").runAs,
      ).to.equal("off");
      expect(buildPlan(replace(resources, STACKSET, defaultOff), "prod").runAs).to.equal("mixed");
    });
  });

  describe("LZA-owned (runShellOwner and guardrailOwner lza)", () => {
    it("lists the export's instances and attachments by LZA name path, delivered by LZA, and the same exemptions and hash", async () => {
      const pulumiOwned = await synthConfig(readStack("dev"), "dev");
      const lzaOwned = await synthConfig(
        {
          ...readStack("dev"),
          [key("runShellOwner")]: "lza",
          [key("guardrailOwner")]: "lza",
          [key("organizationalUnitPaths")]: { "ou-t3st-5m1qa8cd": "Sandbox" },
        },
        "dev",
      );
      const plan = lzaOwned.plan!;
      expect(plan.stackSetInstances).to.deep.equal([
        {
          target: "Sandbox",
          region: "eu-west-1",
          fallbackUser: "ssm-fallback",
          stackSet: "ssm-runas-sync-runshell",
          deliveredBy: "LZA",
        },
      ]);
      expect(plan.scpAttachments).to.deep.equal([
        { policy: RUNSHELL_GUARDRAIL_POLICY_NAME, target: "Sandbox", deliveredBy: "LZA" },
        { policy: SESSION_GUARDRAIL_POLICY_NAME, target: "Sandbox", deliveredBy: "LZA" },
      ]);
      expect(plan.writers.map((w) => [w.codeSha256, w.carriers])).to.deep.equal(
        pulumiOwned.plan!.writers.map((w) => [w.codeSha256, ["LZA StackSet entries"]]),
      );
      expect(plan.exemptions).to.deep.equal(pulumiOwned.plan!.exemptions);
      expect(plan.statements).to.deep.equal(pulumiOwned.plan!.statements);
      expect(plan.runAs).to.equal("on");
    });
  });

  describe("what is not declared", () => {
    const without = (resources: DeclaredResource[], types: string[]) =>
      resources.filter((r) => !types.includes(r.type));
    const STACKSET = [
      "aws:cloudformation/stackSet:StackSet",
      "aws:cloudformation/stackSetInstance:StackSetInstance",
    ];
    const SCPS = ["aws:organizations/policy:Policy", "aws:organizations/policyAttachment:PolicyAttachment"];

    it("no StackSet and no SCP (another tool delivers them): 'none declared', the management stacks still there", async () => {
      const plan = buildPlan(without(await exampleResources("prod"), [...STACKSET, ...SCPS]), "prod");
      expect(plan.stackSetInstances).to.deep.equal([]);
      expect(plan.scpAttachments).to.deep.equal([]);
      expect(plan.exemptions).to.deep.equal([]);
      expect(plan.managementStacks).to.have.length(4);
      expect(plan.runAs).to.equal("on");
      expect(plan.writers.map((w) => w.carriers)).to.deep.equal([["management-account stacks"]]);
      const text = renderPlanMarkdown(plan);
      for (const section of [
        "StackSet instances",
        "SCP attachments",
        "SCP statements",
        "Exempt principals",
      ]) {
        expect(text, section).to.match(new RegExp(`## ${section}\\n\\n(?:[^\\n]+\\n\\n)?None declared\\.`));
      }
    });

    it("no writer at all: RunAs says so, and the summary says none declared", async () => {
      const resources = without(await exampleResources("dev"), [...STACKSET, ...SCPS]);
      const plan = buildPlan(resources, "dev");
      expect(plan.runAs).to.equal("no writer declared");
      expect(planSummary(plan)).to.deep.equal([
        "StackSet instances: none declared",
        "SCP attachments:    none declared",
        "management stacks:  none declared",
        "exempt principals:  none declared (no SCP)",
        "writer:             none declared",
      ]);
    });
  });
});
