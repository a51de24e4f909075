import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";
import { policies } from "../../policypack/policies";
import * as names from "../../policypack/rules/names";
import { REPO_ROOT } from "../support/cli";

const PACK_DIR = path.join(REPO_ROOT, "policypack");

/** Every .ts file of the pack (rules/ included) with the modules it imports. */
function packImports(): { file: string; imports: string[] }[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full);
      return entry.name.endsWith(".ts") ? [full] : [];
    });
  return walk(PACK_DIR).map((full) => ({
    file: path.relative(PACK_DIR, full),
    imports: ts
      .preProcessFile(fs.readFileSync(full, "utf8"), true, true)
      .importedFiles.map((f) => f.fileName),
  }));
}

/** The source files outside the pack that import `name` from policypack/rules (how the one home is used). */
function importersOfRules(): string[] {
  const files = ["config", "components", "lambda", "cli", "synth"].flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(dir, file)),
  );
  return files.filter((file) =>
    /policypack\/rules\//.test(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")),
  );
}

describe("policypack/rules: the one home of the shared rules", () => {
  it("spells every writer name from the prefix, and every ARN pattern from its name", () => {
    const prefix = names.WRITER_NAME_PREFIX;
    expect(names.WRITER_FUNCTION_NAME).to.equal(`${prefix}-writer`);
    expect(names.RECONCILE_ON_CHANGE_RULE_NAME).to.equal(`${prefix}-reconcile-on-change`);
    expect(names.RECONCILE_DAILY_RULE_NAME).to.equal(`${prefix}-reconcile-daily`);
    expect(names.WRITER_LOG_GROUP_NAME).to.equal(`/aws/lambda/${names.WRITER_FUNCTION_NAME}`);
    expect(names.RUNSHELL_STACKSET_NAME).to.equal(`${prefix}-runshell`);
    expect(names.RUNSHELL_MANAGEMENT_STACK_NAME).to.equal(`${prefix}-runshell`);
    expect(names.WRITER_ROLE_PATH).to.equal(`/${prefix}/`);
    expect(names.WRITER_ROLE_ARN_PATTERN).to.equal(`arn:aws:iam::*:role${names.WRITER_ROLE_PATH}*`);
    expect(names.RUN_SHELL_DOCUMENT_ARN_PATTERN).to.equal(
      `arn:aws:ssm:*:*:document/${names.RUN_SHELL_DOCUMENT_NAME}`,
    );
    expect(names.WRITER_FUNCTION_ARN_PATTERN).to.equal(
      `arn:aws:lambda:*:*:function:${names.WRITER_FUNCTION_NAME}`,
    );
    expect(names.RECONCILE_RULE_ARN_PATTERNS).to.deep.equal(
      [names.RECONCILE_ON_CHANGE_RULE_NAME, names.RECONCILE_DAILY_RULE_NAME].map(
        (rule) => `arn:aws:events:*:*:rule/${rule}`,
      ),
    );
  });

  it("imports nothing at all but its own files (the writer's inline code and the pack both bundle it)", () => {
    for (const { file, imports } of packImports().filter(({ file }) => file.startsWith("rules"))) {
      for (const name of imports) expect(/^\.\/[\w-]+$/.test(name), `${file} imports ${name}`).to.equal(true);
    }
  });

  it("is what the program, the CLI, the writer and synth import their rules from", () => {
    const importers = importersOfRules();
    for (const expected of ["config/schema.ts", "components/runShell/template.ts", "lambda/settings.ts"]) {
      expect(importers, expected).to.include(expected);
    }
  });
});

describe("policy pack is publishable on its own", () => {
  it("imports nothing from outside policypack/ but @pulumi/policy and @pulumi/pulumi", () => {
    const files = packImports();
    expect(files.map(({ file }) => file)).to.include.members([
      "index.ts",
      "policies.ts",
      path.join("rules", "names.ts"),
    ]);
    for (const { file, imports } of files) {
      for (const name of imports) {
        const inside =
          name.startsWith(".") &&
          !path.relative(PACK_DIR, path.resolve(PACK_DIR, path.dirname(file), name)).startsWith("..");
        const allowed = inside || /^@pulumi\/(policy|pulumi)(\/|$)/.test(name);
        expect(allowed, `${file} imports ${name}`).to.equal(true);
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
      "ssm-runas-scp-exemptions-protected": "mandatory",
      "ssm-runas-scp-session-documents": "mandatory",
      "ssm-runas-scp-run-as-tag": "mandatory",
      "ssm-runas-scp-stackset-role-exemptions": "mandatory",
      "ssm-runas-scp-delegated-admin": "mandatory",
      "ssm-runas-scp-fallback-user-association": "mandatory",
      "ssm-runas-stackset-writer": "mandatory",
      "ssm-runas-stack-complete": "mandatory",
      "ssm-runas-lambda-runtime-supported": "advisory",
      "ssm-runas-scp-size": "advisory",
      "ssm-runas-scp-exception-patterns-narrow": "advisory",
      "ssm-runas-scp-session-regions": "advisory",
      "ssm-runas-break-glass": "advisory",
    });
    for (const policy of policies) {
      expect(policy.name).to.match(/^[a-z0-9-]+$/);
      expect(policy.configSchema?.properties ?? {}).not.to.have.property("enforcementLevel");
    }
  });
});
