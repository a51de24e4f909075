// The pack as the Pulumi CLI runs it: policypack/index.ts started from its own folder (what `--policy-pack
// policypack` does), serving @pulumi/policy's analyzer over gRPC on loopback. This test plays the engine:
// it asks for the pack's info, configures it, and sends real resources of the program to Analyze and
// AnalyzeStack.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { REPO_ROOT } from "../support/cli";
import { exampleRawConfig } from "../support/exampleStacks";
import { exampleResources, programResourcesFor, withInputs } from "../support/policyHarness";

const LZA_SETTINGS_ROLE = "arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*";
const LZA_DEPLOY = ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role", "arn:aws:iam::*:role/cdk-accel-*"];

const PACK_DIR = path.join(REPO_ROOT, "policypack");

type Client = InstanceType<typeof analyzerGrpc.AnalyzerClient>;

function call<Req, Res>(client: Client, method: string, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (
      client as unknown as Record<string, (r: Req, cb: (e: Error | null, res: Res) => void) => void>
    )[method].bind(client);
    fn(request, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

function toStruct(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

function options(resource: DeclaredResource): analyzer.AnalyzerResourceOptions {
  const opts = new analyzer.AnalyzerResourceOptions();
  opts.setProtect(resource.protect);
  opts.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
  if (resource.parent) opts.setParent(resource.parent);
  return opts;
}

function analyzeRequest(resource: DeclaredResource): analyzer.AnalyzeRequest {
  const request = new analyzer.AnalyzeRequest();
  request.setType(resource.type);
  request.setName(resource.name);
  request.setUrn(resource.urn);
  request.setProperties(toStruct(resource.inputs));
  request.setOptions(options(resource));
  return request;
}

interface Diagnostic {
  policy: string;
  level: analyzer.EnforcementLevel;
  message: string;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

async function analyzeAll(client: Client, resources: DeclaredResource[]): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  for (const resource of resources) {
    found.push(...diagnostics(await call(client, "analyze", analyzeRequest(resource))));
  }
  const stack = new analyzer.AnalyzeStackRequest();
  stack.setResourcesList(
    resources.map((resource) => {
      const r = new analyzer.AnalyzerResource();
      r.setType(resource.type);
      r.setName(resource.name);
      r.setUrn(resource.urn);
      r.setProperties(toStruct({ ...resource.inputs, id: `${resource.name}-id` }));
      r.setOptions(options(resource));
      if (resource.parent) r.setParent(resource.parent);
      return r;
    }),
  );
  found.push(...diagnostics(await call(client, "analyzeStack", stack)));
  return found;
}

async function configure(client: Client, config: Record<string, Record<string, unknown>>) {
  const request = new analyzer.ConfigureAnalyzerRequest();
  for (const [policy, properties] of Object.entries(config)) {
    const entry = new analyzer.PolicyConfig();
    entry.setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY);
    entry.setProperties(toStruct(properties));
    request.getPolicyconfigMap().set(policy, entry);
  }
  await call(client, "configure", request);
}

describe("policy pack served by @pulumi/policy (the engine's view)", function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let client: Client;

  before(async () => {
    // As the Pulumi CLI starts a TypeScript pack: its index.ts, from its own folder (package.json holds the version).
    child = spawn(process.execPath, ["--require", "tsx/cjs", "index.ts"], {
      cwd: PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => reject(new Error(`the pack did not start: ${stderr}`)), 30_000);
      child?.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child?.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(\d+)\n/.exec(stdout);
        if (line) {
          clearTimeout(timer);
          resolve(Number(line[1]));
        }
      });
      child?.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill("SIGTERM");
  });

  it("announces the pack, its policies, their levels and the requiredExceptionPrincipals schema", async () => {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("ssm-runas-sync");
    expect(info.getVersion()).to.equal("0.1.0");
    // The generated enum is a plain object (name → number), without the reverse mapping.
    const levelName = (level: number) =>
      Object.entries(analyzer.EnforcementLevel).find(([, value]) => value === level)?.[0];
    const levels = Object.fromEntries(
      info.getPoliciesList().map((p) => [p.getName(), levelName(p.getEnforcementlevel())]),
    );
    expect(levels).to.deep.equal({
      "ssm-runas-abac-run-as-attribute": "MANDATORY",
      "ssm-runas-scp-denies-document-writes": "MANDATORY",
      "ssm-runas-scp-exception-principals": "MANDATORY",
      "ssm-runas-scp-protects-writer": "MANDATORY",
      "ssm-runas-scp-exemptions-protected": "MANDATORY",
      "ssm-runas-scp-session-documents": "MANDATORY",
      "ssm-runas-scp-run-as-tag": "MANDATORY",
      "ssm-runas-scp-stackset-role-exemptions": "MANDATORY",
      "ssm-runas-scp-delegated-admin": "MANDATORY",
      "ssm-runas-scp-fallback-user-association": "MANDATORY",
      "ssm-runas-stackset-writer": "MANDATORY",
      "ssm-runas-stack-complete": "MANDATORY",
      "ssm-runas-lambda-runtime-supported": "ADVISORY",
      "ssm-runas-scp-size": "ADVISORY",
      "ssm-runas-scp-exception-patterns-narrow": "ADVISORY",
      "ssm-runas-scp-session-regions": "ADVISORY",
      "ssm-runas-break-glass": "ADVISORY",
    });
    const schemaOf = (name: string) =>
      info
        .getPoliciesList()
        .find((p) => p.getName() === name)
        ?.getConfigschema()
        ?.getProperties()
        ?.toJavaScript() ?? {};
    expect(schemaOf("ssm-runas-scp-exception-principals").requiredExceptionPrincipals).to.deep.include({
      type: "array",
      items: { type: "string" },
      default: [LZA_SETTINGS_ROLE],
    });
    expect(schemaOf("ssm-runas-scp-session-documents").allowedSessionDocuments).to.deep.include({
      type: "array",
      default: [],
    });
    expect(schemaOf("ssm-runas-scp-delegated-admin").deployPrincipalArns).to.deep.include({
      type: "array",
      default: LZA_DEPLOY,
    });
    expect(
      schemaOf("ssm-runas-scp-stackset-role-exemptions").stackSetExecutionRoleArnPattern,
    ).to.deep.include({
      type: "string",
      default: "arn:aws:iam::*:role/stacksets-exec-*",
    });
    expect(schemaOf("ssm-runas-stackset-writer").allowBreakGlass).to.deep.include({
      type: "boolean",
      default: false,
    });
  });

  it("refuses break-glass unless the pack's config allows it, and reports it (advisory) either way", async () => {
    const lza = {
      "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [LZA_SETTINGS_ROLE] },
      "ssm-runas-scp-delegated-admin": { deployPrincipalArns: LZA_DEPLOY },
    };
    const breakGlass = await programResourcesFor({ ...exampleRawConfig("dev"), runAsEnabled: false });
    const levels = (found: Diagnostic[]) => found.map((d) => [d.policy, d.level]);

    await configure(client, lza);
    const refused = await analyzeAll(client, breakGlass);
    // The custom resource's RunAsEnabled and the reconcile's RUN_AS_ENABLED: each is refused.
    expect(levels(refused)).to.deep.equal([
      ["ssm-runas-stackset-writer", analyzer.EnforcementLevel.MANDATORY],
      ["ssm-runas-stackset-writer", analyzer.EnforcementLevel.MANDATORY],
      ["ssm-runas-break-glass", analyzer.EnforcementLevel.ADVISORY],
    ]);
    expect(refused[0].message).to.include("allowBreakGlass");

    await configure(client, { ...lza, "ssm-runas-stackset-writer": { allowBreakGlass: true } });
    const allowed = await analyzeAll(client, breakGlass);
    expect(levels(allowed)).to.deep.equal([["ssm-runas-break-glass", analyzer.EnforcementLevel.ADVISORY]]);
    expect(allowed[0].message).to.include("break-glass is on (RunShellDocument.RunAsEnabled, ");
    // Allowing it changes nothing for a stack with RunAs on.
    expect(await analyzeAll(client, await exampleResources("dev"))).to.deep.equal([]);
  });

  it("finds nothing wrong with the dev stack, and refuses it with the LZA patterns left out", async () => {
    // The CLI sends each policy's config with the schema defaults filled in.
    await configure(client, {
      "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [LZA_SETTINGS_ROLE] },
      "ssm-runas-scp-delegated-admin": { deployPrincipalArns: LZA_DEPLOY },
    });
    expect(await analyzeAll(client, await exampleResources("dev"))).to.deep.equal([]);
    const withoutLza = await programResourcesFor({
      ...exampleRawConfig("dev"),
      scpExceptionPrincipalArns: [],
    });
    const found = await analyzeAll(client, withoutLza);
    expect(found.map((d) => [d.policy, d.level])).to.deep.equal([
      ["ssm-runas-scp-exception-principals", analyzer.EnforcementLevel.MANDATORY],
    ]);
    expect(found[0].message).to.include(`without exempting ${LZA_SETTINGS_ROLE}`);
  });

  it("checks an LZA-owned stack through its export components' properties (Analyze and AnalyzeStack)", async () => {
    const lzaRole = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
    await configure(client, {
      "ssm-runas-scp-exception-principals": {
        requiredExceptionPrincipals: [LZA_SETTINGS_ROLE],
        stackSetExecutionRoleArnPattern: lzaRole,
      },
      "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: lzaRole },
      "ssm-runas-scp-delegated-admin": { deployPrincipalArns: LZA_DEPLOY },
    });
    const lzaOwned = await programResourcesFor({
      ...exampleRawConfig("dev"),
      runShellOwner: "lza",
      guardrailOwner: "lza",
      stackSetExecutionRoleArnPattern: lzaRole,
      organizationalUnitPaths: { "ou-t3st-5m1qa8cd": "Sandbox" },
    });
    expect(lzaOwned.map((r) => r.type)).not.to.include("aws:cloudformation/stackSet:StackSet");
    expect(await analyzeAll(client, lzaOwned)).to.deep.equal([]);
    const rootUser = lzaOwned.map((r) =>
      r.type === "ssm-runas-sync:index:LzaRunShellExport"
        ? withInputs(r, (inputs) => {
            const [entry] = inputs.cloudFormationStackSets as {
              parameters: { name: string; value: string }[];
            }[];
            for (const parameter of entry.parameters)
              if (parameter.name === "RunAsDefaultUser") parameter.value = "root";
          })
        : r,
    );
    const found = await analyzeAll(client, rootUser);
    expect(found.map((d) => d.policy)).to.deep.equal(["ssm-runas-stackset-writer"]);
    expect(found[0].message).to.include(
      'LZA entry ssm-runas-sync-runshell: RunShellDocument.RunAsDefaultUser: "root"',
    );
  });

  it("runs the guardrail stack policies over both SCPs (AnalyzeStack): a stack without regions, a foreign exemption", async () => {
    await configure(client, {
      "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [LZA_SETTINGS_ROLE] },
      "ssm-runas-scp-delegated-admin": { deployPrincipalArns: LZA_DEPLOY },
    });
    const noRegions = await programResourcesFor({
      ...exampleRawConfig("dev"),
      restrictSessionRegions: false,
    });
    const regions = await analyzeAll(client, noRegions);
    expect(regions.map((d) => [d.policy, d.level])).to.deep.equal([
      ["ssm-runas-scp-session-regions", analyzer.EnforcementLevel.ADVISORY],
    ]);
    // Another pipeline role exempt from the delegated-admin Denies: the pack's config does not name it.
    const foreign = await programResourcesFor({
      ...exampleRawConfig("dev"),
      deployPrincipalArns: [...LZA_DEPLOY, "arn:aws:iam::*:role/team-pipeline"],
    });
    const found = await analyzeAll(client, foreign);
    expect(found.map((d) => d.policy)).to.deep.equal([
      "ssm-runas-scp-delegated-admin",
      "ssm-runas-scp-delegated-admin",
    ]);
    expect(found[0].message).to.include(
      "exempts arn:aws:iam::*:role/team-pipeline, not in deployPrincipalArns",
    );
  });
});
