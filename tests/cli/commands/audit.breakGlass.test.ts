// Break-glass end to end on moto: a stack config with `runAsEnabled: false` → the program's StackSet and
// management-account stacks (Pulumi's mock runtime) → the policy pack, which needs allowBreakGlass → CloudFormation
// played by hand: each stack's template parameters resolved into the writer function's environment and into an
// Update of the writer custom resource, run by the template's exact inline code in every account × region →
// the real `ssm-runas audit --stack` (exit 0, BREAK_GLASS) → a console Save turns RunAs on in one place, the daily
// reconcile with the function's own environment turns it off again → `runAsEnabled: true` the same way → COMPLIANT.
// Every other setting of each document survives both ways.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { SSM } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parse, stringify } from "yaml";
import type { AuditRow } from "../../../cli/auditRows";
import { writerInlineCode } from "../../../lambda/bundle";
import { parseTemplate, resolveValue } from "../../../policypack/template";
import type { DeclaredResource } from "../../../synth/mockRuntime";
import { runPolicyPack } from "../../../synth/policyHost";
import { readStackConfig } from "../../../synth/stackFiles";
import {
  motoEnvironment,
  resetMoto,
  startMoto,
  type MotoServer,
  type StaticCredentials,
} from "../../../testing/moto";
import { startResponseUrlServer, type ResponseUrlServer } from "../../../testing/responseUrl";
import { customResourceEvent, overwrite, scheduledEvent } from "../../../testing/runShellFixtures";
import {
  MOTO_MANAGEMENT_ACCOUNT_ID,
  runShellContent,
  seedOrganization,
  type SeededOrganization,
} from "../../../testing/seedOrganization";
import { invokeWriter, setEnvironment } from "../../../testing/writerInvocation";
import { REPO_ROOT, runCli } from "../../support/cli";
import { AWS_PROVIDER, INSTANCE, ofType, runStack, STACK, STACKSET } from "../../support/runShell";

const REGIONS = ["eu-west-1", "us-east-1"];
const USER = "ssm-fallback";
const ON = { runAsEnabled: true, runAsDefaultUser: USER };
const MEMBERS = ["acct-a", "acct-b", "acct-c"];
const TESTING: StaticCredentials = {
  accessKeyId: "testing",
  secretAccessKey: "testing",
  sessionToken: "testing",
};
const BREAK_GLASS_NOTE = "the RunShell document itself is in break-glass, as intended";
const MANAGEMENT_DETAIL = "the management account: no service control policy applies there";

/** A CloudFormation stack of the template: its body and the parameter values it was given. */
interface Placement {
  accountId: string;
  region: string;
  templateBody: string;
  parameters: Record<string, string>;
}

describe("break-glass end to end: config → template → writer → audit (moto)", function () {
  this.timeout(180_000);
  let moto: MotoServer;
  let org: SeededOrganization;
  let projectDir: string;
  let responses: ResponseUrlServer;
  const credentials = new Map<string, StaticCredentials>();

  /** Pulumi.glass.yaml: the prod stack aimed at the seeded organisation, with `runAsEnabled` as given. */
  function writeStack(runAsEnabled: boolean) {
    const prod = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    prod.config["ssm-runas-sync:regions"] = REGIONS;
    prod.config["ssm-runas-sync:deploymentTargets"] = [org.rootId];
    prod.config["ssm-runas-sync:scpTargets"] = [org.rootId];
    prod.config["ssm-runas-sync:runAsEnabled"] = runAsEnabled;
    fs.writeFileSync(path.join(projectDir, "Pulumi.glass.yaml"), stringify(prod));
  }

  /** The program for Pulumi.glass.yaml on the mock runtime, and where CloudFormation would put its template. */
  async function render(): Promise<{ resources: DeclaredResource[]; placements: Placement[] }> {
    const run = await runStack(readStackConfig(projectDir, "glass"));
    const [stackSet] = ofType(run.resources, STACKSET);
    const placements: Placement[] = [];
    for (const instance of ofType(run.resources, INSTANCE)) {
      const inputs = instance.inputs as {
        deploymentTargets: { organizationalUnitIds: string[] };
        stackSetInstanceRegion: string;
        parameterOverrides?: Record<string, string>;
      };
      // The root: every member account.
      expect(inputs.deploymentTargets.organizationalUnitIds).to.deep.equal([org.rootId]);
      for (const name of MEMBERS) {
        placements.push({
          accountId: org.accountIds[name],
          region: inputs.stackSetInstanceRegion,
          templateBody: String(stackSet.inputs.templateBody),
          parameters: {
            ...(stackSet.inputs.parameters as Record<string, string>),
            ...inputs.parameterOverrides,
          },
        });
      }
    }
    const regionOf = new Map(
      ofType(run.resources, AWS_PROVIDER).map((p) => [p.name, String(p.inputs.region)]),
    );
    for (const stack of ofType(run.resources, STACK)) {
      placements.push({
        accountId: MOTO_MANAGEMENT_ACCOUNT_ID,
        region: regionOf.get(run.providerOf.get(stack.name) ?? "") ?? "",
        templateBody: String(stack.inputs.templateBody),
        parameters: stack.inputs.parameters as Record<string, string>,
      });
    }
    expect(placements).to.have.length((MEMBERS.length + 1) * REGIONS.length);
    return { resources: run.resources, placements };
  }

  function withAccount<T>(
    accountId: string,
    region: string,
    extra: Record<string, string>,
    act: () => Promise<T>,
  ) {
    const { accessKeyId, secretAccessKey, sessionToken } = credentials.get(accountId)!;
    const restore = setEnvironment({
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_SESSION_TOKEN: sessionToken ?? "",
      ...extra,
    });
    return act().finally(restore);
  }

  const clientConfig = (accountId: string, region: string) => ({
    endpoint: moto.endpoint,
    region,
    credentials: credentials.get(accountId)!,
  });

  /**
   * What a stack update does with the template: the function's environment takes the resolved variables, then
   * the custom resource's Update runs the writer — the template's inline code, byte for byte — with the
   * resolved properties, and must answer SUCCESS.
   */
  async function deploy(placements: Placement[]) {
    for (const { accountId, region, templateBody, parameters } of placements) {
      const template = parseTemplate(templateBody);
      const raw = JSON.parse(templateBody);
      expect(raw.Resources.WriterFunction.Properties.Code.ZipFile).to.equal(writerInlineCode());
      const resolve = (value: unknown) => {
        const resolved = resolveValue(value, template, parameters);
        if (!resolved.ok) throw new Error(resolved.reason);
        return String(resolved.value);
      };
      const variables = Object.fromEntries(
        Object.entries(
          raw.Resources.WriterFunction.Properties.Environment.Variables as Record<string, unknown>,
        ).map(([name, value]) => [name, resolve(value)]),
      );
      await new LambdaClient(clientConfig(accountId, region)).send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: raw.Resources.WriterFunction.Properties.FunctionName,
          Environment: { Variables: variables },
        }),
      );
      const {
        ServiceToken: _token,
        ServiceTimeout: _timeout,
        ...properties
      } = raw.Resources.RunShellDocument.Properties as Record<string, unknown>;
      responses.reset();
      const invocation = await withAccount(accountId, region, {}, () =>
        invokeWriter(
          customResourceEvent({
            RequestType: "Update",
            ResponseURL: responses.url,
            properties: Object.fromEntries(
              Object.entries(properties).map(([key, value]) => [key, resolve(value)]),
            ),
            PhysicalResourceId: "SSM-SessionManagerRunShell:runAs={}",
          }),
        ),
      );
      expect(invocation.error).to.equal(undefined);
      expect(
        responses.received.map(({ body }) => body.Status),
        `${accountId}/${region}`,
      ).to.deep.equal(["SUCCESS"]);
    }
  }

  /** The daily reconcile in one account × region, with the environment the function there really has. */
  async function reconcile(accountId: string, region: string) {
    const { Environment } = await new LambdaClient(clientConfig(accountId, region)).send(
      new GetFunctionConfigurationCommand({ FunctionName: "ssm-runas-sync-writer" }),
    );
    const invocation = await withAccount(accountId, region, Environment?.Variables ?? {}, () =>
      invokeWriter(scheduledEvent()),
    );
    expect(invocation.error).to.equal(undefined);
  }

  async function audit(): Promise<{
    code: number | null;
    rows: AuditRow[];
    summary: Record<string, number>;
  }> {
    const run = await runCli(
      ["audit", "--stack", "glass", "--project-dir", projectDir, "--json", "--no-region-scan"],
      {
        env: { ...motoEnvironment(moto), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      },
    );
    // Only the one line saying the StackSet is not there: CloudFormation is played by hand here.
    expect(run.stderr).to.match(/^stack instances not read [^\n]*StackSetNotFoundException[^\n]*\n$/);
    const report = JSON.parse(run.stdout);
    return { code: run.code, rows: report.results, summary: report.summary };
  }

  /** Every document's content: the seeded one with RunAs as given, every other setting as it was. */
  async function expectDocuments(runAs: { runAsEnabled: boolean; runAsDefaultUser: string }) {
    const seeded = JSON.parse(runShellContent(ON));
    for (const accountId of [MOTO_MANAGEMENT_ACCOUNT_ID, ...MEMBERS.map((name) => org.accountIds[name])]) {
      for (const region of REGIONS) {
        const ssm = new SSM(clientConfig(accountId, region));
        const { Content } = await ssm.getDocument({
          Name: "SSM-SessionManagerRunShell",
          DocumentFormat: "JSON",
        });
        expect(JSON.parse(Content ?? ""), `${accountId}/${region}`).to.deep.equal({
          ...seeded,
          inputs: { ...seeded.inputs, ...runAs },
        });
      }
    }
  }

  const rowsOf = (rows: AuditRow[], management: boolean) =>
    rows.filter((row) => (row.accountId === MOTO_MANAGEMENT_ACCOUNT_ID) === management);

  before(async () => {
    moto = await startMoto();
    await resetMoto();
    const documents = Object.fromEntries(REGIONS.map((region) => [region, ON]));
    org = await seedOrganization(moto.endpoint, {
      ous: [{ name: "Workloads" }],
      management: documents,
      accounts: MEMBERS.map((name, index) => ({
        name,
        ou: index === 0 ? undefined : "Workloads",
        documents,
      })),
    });
    credentials.set(MOTO_MANAGEMENT_ACCOUNT_ID, TESTING);
    const sts = new STSClient({ endpoint: moto.endpoint, region: REGIONS[0], credentials: TESTING });
    for (const name of MEMBERS) {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${org.accountIds[name]}:role/OrganizationAccountAccessRole`,
          RoleSessionName: "cloudformation",
        }),
      );
      credentials.set(org.accountIds[name], {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      });
    }
    projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-breakglass-e2e-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    responses = await startResponseUrlServer();
  });

  after(async () => {
    await responses?.close();
    if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  });

  it("runAsEnabled: false rolls out like any change, the audit passes on BREAK_GLASS, back to true is COMPLIANT", async () => {
    // 0. The organisation as the writer keeps it: COMPLIANT everywhere.
    writeStack(true);
    const before = await audit();
    expect(before.code).to.equal(0);
    expect(rowsOf(before.rows, false).map((row) => row.status)).to.deep.equal(Array(6).fill("COMPLIANT"));

    // 1. The config change. The pack refuses it unless its config allows break-glass, and reports it anyway.
    writeStack(false);
    const glass = await render();
    expect(new Set(glass.placements.map((p) => p.parameters.RunAsEnabled))).to.deep.equal(new Set(["false"]));
    const refused = await runPolicyPack(glass.resources, { project: "ssm-runas-sync", stack: "glass" });
    expect(
      refused.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy),
    ).to.include("ssm-runas-stackset-writer");
    const allowed = await runPolicyPack(glass.resources, {
      project: "ssm-runas-sync",
      stack: "glass",
      config: { "ssm-runas-stackset-writer": { allowBreakGlass: true } },
    });
    expect(allowed.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    expect(new Set(allowed.violations.map((v) => v.policy))).to.deep.equal(
      new Set(["ssm-runas-break-glass"]),
    );

    // 2. Not rolled out yet: the audit of the break-glass stack says where RunAs is still on, and fails.
    const pending = await audit();
    expect(pending.code).to.equal(1);
    for (const row of rowsOf(pending.rows, false)) {
      expect(row).to.deep.include({
        status: "BREAK_GLASS_PENDING",
        runAsEnabled: true,
        detail:
          "runAsEnabled is true: break-glass has not reached it yet; " +
          'also WRITER_UNHEALTHY: RUN_AS_ENABLED is "true", expected "false"',
      });
    }

    // 3. The rollout: every member account × region and the management account's stacks.
    await deploy(glass.placements);
    await expectDocuments({ ...ON, runAsEnabled: false });
    const off = await audit();
    expect(off.code).to.equal(0);
    for (const row of rowsOf(off.rows, false)) {
      expect(row).to.deep.include({
        status: "BREAK_GLASS",
        runAsEnabled: false,
        runAsDefaultUser: USER,
        detail: "runAsEnabled is false, as break-glass intends",
      });
    }
    for (const row of rowsOf(off.rows, true)) {
      expect(row).to.deep.include({
        status: "UNGUARDED",
        detail: `${MANAGEMENT_DETAIL}; ${BREAK_GLASS_NOTE}`,
      });
    }
    expect(off.summary).to.deep.include({
      BREAK_GLASS: 6,
      BREAK_GLASS_PENDING: 0,
      RUNAS_DISABLED: 0,
      UNGUARDED: 2,
    });

    // 4. The reconcile keeps it off: a console Save turns RunAs on in one place, the daily run turns it off.
    const [accountId, region] = [org.accountIds["acct-b"], REGIONS[1]];
    const saved = JSON.parse(runShellContent(ON));
    saved.inputs.idleSessionTimeout = "45";
    await overwrite(new SSM(clientConfig(accountId, region)), saved);
    const drifted = await audit();
    expect(drifted.code).to.equal(1);
    expect(drifted.rows.filter((row) => row.status === "BREAK_GLASS_PENDING")).to.have.length(1);
    await reconcile(accountId, region);
    const kept = await audit();
    expect(kept.code).to.equal(0);
    const settled = new SSM(clientConfig(accountId, region));
    const { Content } = await settled.getDocument({
      Name: "SSM-SessionManagerRunShell",
      DocumentFormat: "JSON",
    });
    expect(JSON.parse(Content ?? "").inputs).to.deep.equal({ ...saved.inputs, runAsEnabled: false });
    // Put the console's idle timeout back, so that the last step compares every document alike.
    await overwrite(settled, {
      ...saved,
      inputs: { ...saved.inputs, idleSessionTimeout: "20", runAsEnabled: false },
    });

    // 5. The way back: runAsEnabled: true, rolled out the same way.
    writeStack(true);
    const back = await render();
    expect(new Set(back.placements.map((p) => p.parameters.RunAsEnabled))).to.deep.equal(new Set(["true"]));
    await deploy(back.placements);
    await expectDocuments(ON);
    const on = await audit();
    expect(on.code).to.equal(0);
    expect(rowsOf(on.rows, false).map((row) => [row.status, row.runAsEnabled])).to.deep.equal(
      Array(6).fill(["COMPLIANT", true]),
    );
    expect(on.summary).to.deep.include({ COMPLIANT: 6, BREAK_GLASS: 0 });
  });
});
