import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";
import * as names from "../components/names";
import { DEFAULT_USER_PARAMETER } from "../components/runShellTemplate";
import { LINUX_USER_PATTERN, RUN_AS_TAG_KEY } from "../components/stackConfig";
import * as pack from "../policypack/constants";
import { policies } from "../policypack/policies";
import { LINUX_USER_PATTERN as PACK_LINUX_USER_PATTERN } from "../policypack/template";
import { REPO_ROOT } from "./support/cli";

const PACK_DIR = path.join(REPO_ROOT, "policypack");

describe("policy pack constants match the program", () => {
  // The pack cannot import components/names.ts (it publishes on its own), so it keeps copies.
  for (const key of [
    "RUN_SHELL_DOCUMENT_NAME",
    "WRITER_NAME_PREFIX",
    "WRITER_ROLE_PATH",
    "WRITER_ROLE_NAME_PREFIX",
    "WRITER_FUNCTION_NAME",
    "RECONCILE_ON_CHANGE_RULE_NAME",
    "RECONCILE_DAILY_RULE_NAME",
    "RUNSHELL_STACKSET_NAME",
    "WRITER_ROLE_ARN_PATTERN",
    "STACKSET_EXECUTION_ROLE_ARN_PATTERN",
  ] as const) {
    it(`${key} equals components/names.ts`, () => {
      expect(pack[key]).to.be.a("string").and.equal(names[key]);
    });
  }

  it("the tag key, the template's user parameter, the document ARN and the Linux user rule equal the program's", () => {
    expect(pack.RUN_AS_TAG_KEY).to.equal(RUN_AS_TAG_KEY);
    expect(pack.RUN_AS_DEFAULT_USER_PARAMETER).to.equal(DEFAULT_USER_PARAMETER);
    expect(pack.RUN_SHELL_DOCUMENT_ARN_PATTERN).to.equal(
      `arn:aws:ssm:*:*:document/${names.RUN_SHELL_DOCUMENT_NAME}`,
    );
    expect(PACK_LINUX_USER_PATTERN.source).to.equal(LINUX_USER_PATTERN.source);
  });
});

describe("policy pack is publishable on its own", () => {
  const sources = fs.readdirSync(PACK_DIR).filter((file) => file.endsWith(".ts"));

  it("imports nothing from outside policypack/ but @pulumi/policy and @pulumi/pulumi", () => {
    expect(sources).to.include.members(["index.ts", "policies.ts"]);
    for (const file of sources) {
      const text = fs.readFileSync(path.join(PACK_DIR, file), "utf8");
      const info = ts.preProcessFile(text, true, true);
      for (const { fileName } of info.importedFiles) {
        const allowed = /^\.\/[\w-]+$/.test(fileName) || /^@pulumi\/(policy|pulumi)(\/|$)/.test(fileName);
        expect(allowed, `${file} imports ${fileName}`).to.equal(true);
      }
    }
  });

  it("has its own package.json (same @pulumi versions as the root), PulumiPolicy.yaml and an index.ts that only builds the pack", () => {
    const own = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(own.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(own.dependencies)).to.have.members(["@pulumi/policy", "@pulumi/pulumi"]);
    for (const dependency of ["@pulumi/policy", "@pulumi/pulumi"]) {
      expect(own.dependencies[dependency], dependency).to.equal(root.dependencies[dependency]);
    }
    const manifest = parse(fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8"));
    expect(manifest.runtime).to.equal("nodejs");
    expect(manifest.description).to.be.a("string");
    expect(manifest.description.length).to.be.greaterThan(0);
    const index = fs.readFileSync(path.join(PACK_DIR, "index.ts"), "utf8");
    expect(index).to.match(/new PolicyPack\("ssm-runas-sync", \{ policies \}\);/);
  });

  it("type-checks with its own tsconfig.json", () => {
    const file = ts.findConfigFile(PACK_DIR, ts.sys.fileExists, "tsconfig.json");
    if (!file) throw new Error("policypack/tsconfig.json missing");
    const config = ts.getParsedCommandLineOfConfigFile(
      file,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    );
    if (!config) throw new Error("policypack/tsconfig.json unreadable");
    const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).to.deep.equal([]);
    expect(config.fileNames.map((f) => path.basename(f))).to.include.members(["index.ts", "policies.ts"]);
  });

  it("declares unique policy names, the mandatory and advisory levels, and no enforcementLevel config property", () => {
    const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    expect(Object.keys(levels)).to.have.length(policies.length);
    expect(levels).to.deep.equal({
      "ssm-runas-abac-run-as-attribute": "mandatory",
      "ssm-runas-scp-denies-document-writes": "mandatory",
      "ssm-runas-scp-exception-principals": "mandatory",
      "ssm-runas-scp-protects-writer": "mandatory",
      "ssm-runas-stackset-writer": "mandatory",
      "ssm-runas-stack-complete": "mandatory",
      "ssm-runas-lambda-runtime-supported": "advisory",
      "ssm-runas-scp-size": "advisory",
      "ssm-runas-scp-exception-patterns-narrow": "advisory",
    });
    for (const policy of policies) {
      expect(policy.name).to.match(/^[a-z0-9-]+$/);
      expect(policy.configSchema?.properties ?? {}).not.to.have.property("enforcementLevel");
    }
  });
});
