// `synth`: run the program for Pulumi.<stack>.yaml on the mock runtime and write what it would deploy.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ousBelow, type OrganizationalUnitPaths } from "../components/lza/lzaConfig";
import { GET_ORGANIZATION_INVOKE } from "../config/awsProvider";
import { DESCENDANT_OUS_INVOKE } from "../config/deploymentTargets";
import { CHILD_OUS_INVOKE } from "../config/organizationalUnitPaths";
import { rawConfigFromPulumi } from "../config/pulumiConfig";
import runStack from "../index";
import { runOnMocks } from "./mockRuntime";
import { formatViolation, mandatoryViolations, renderPolicyReport } from "./policyReport";
import { PolicyConfigError, readPolicyPackConfig, type PolicyPackConfig } from "./policyConfig";
import { runPolicyPack, type PolicyReport } from "./policyHost";
import { buildPlan, type Plan } from "./plan";
import { planSummary } from "./planSummary";
import { renderAll } from "./render";
import { type RenderedFile } from "./renderedFile";
import { PROJECT_DIR, readProjectFile, readStackConfig, StackFileError } from "./stackFiles";

/** Offline the management account is unknown: its providers are pinned to this placeholder instead. */
export const OFFLINE_MANAGEMENT_ACCOUNT_ID = "000000000000";

// Offline the organisation is unknown but for the OU paths the config gives (organizationalUnitPaths): they show
// which of those OUs lie in which, for the overlap check; the walk that finds LZA's OU names finds no OU at all,
// so an LZA export needs every OU's path in the config.
export function offlineInvokes(paths: OrganizationalUnitPaths) {
  return {
    [DESCENDANT_OUS_INVOKE]: ({ parentId }: Record<string, unknown>) => ({
      childrens: ousBelow(String(parentId), paths).map((id) => ({ id, name: paths[id], arn: "" })),
    }),
    [GET_ORGANIZATION_INVOKE]: () => ({ roots: [], masterAccountId: OFFLINE_MANAGEMENT_ACCOUNT_ID }),
    [CHILD_OUS_INVOKE]: () => ({ children: [] }),
  };
}

/** The OU paths the stack config gives, for the lza/ files of a piece Pulumi owns (validated by the program). */
function givenOuPaths(config: Record<string, string>): OrganizationalUnitPaths {
  const paths = rawConfigFromPulumi(config).organizationalUnitPaths;
  return paths !== null && typeof paths === "object" ? (paths as OrganizationalUnitPaths) : {};
}

export interface SynthOptions {
  stack: string;
  out?: string;
  projectDir?: string;
  /** A `--policy-pack-config` JSON file for the policy pack (policy name → level or config). */
  policyPackConfig?: string;
}

export interface SynthResult {
  ok: boolean;
  outDir: string;
  files: RenderedFile[];
  /** Reasons for failure, one line each, for stderr. */
  errors: string[];
  /** What the policy pack found (also written as policy-report.json); absent when the program did not run. */
  policyReport?: PolicyReport;
  /** The deployment plan (also written as plan.md and plan.json); absent when nothing was rendered. */
  plan?: Plan;
  /** The plan in five lines, for stdout; empty when nothing was rendered. */
  summary: string[];
}

function writeAtomically(file: string, content: string) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

export async function synth(options: SynthOptions): Promise<SynthResult> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const outDir = path.resolve(options.out ?? path.join("out", options.stack));
  const fail = (errors: string[]): SynthResult => ({ ok: false, outDir, files: [], errors, summary: [] });
  let config: Record<string, string>;
  let project: string;
  let policyConfig: PolicyPackConfig = {};
  try {
    config = readStackConfig(projectDir, options.stack);
    project = readProjectFile(projectDir).name;
    if (options.policyPackConfig) policyConfig = readPolicyPackConfig(options.policyPackConfig);
  } catch (err) {
    if (err instanceof StackFileError || err instanceof PolicyConfigError) return fail([err.message]);
    throw err;
  }
  let files: RenderedFile[];
  let policyReport: PolicyReport;
  let plan: Plan;
  try {
    const paths = givenOuPaths(config);
    const run = await runOnMocks(runStack, { stack: options.stack, config, invokes: offlineInvokes(paths) });
    plan = buildPlan(run.resources, options.stack);
    files = renderAll(run.resources, plan, paths);
    // The policy pack, as `pulumi preview --policy-pack policypack` would run it over the same resources.
    policyReport = await runPolicyPack(run.resources, {
      project,
      stack: options.stack,
      config: policyConfig,
    });
    files.push(renderPolicyReport(policyReport));
  } catch (err) {
    if (err instanceof pulumi.RunError || err instanceof PolicyConfigError)
      return fail(err.message.split("\n"));
    throw err;
  }
  // Everything is rendered before anything is written: a failure leaves the output folder as it was.
  fs.mkdirSync(outDir, { recursive: true });
  for (const { file, content } of files) {
    const target = path.join(outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeAtomically(target, content);
  }
  // A mandatory violation fails synth, after writing: policy-report.json is what the reviewer reads then.
  const blocking = mandatoryViolations(policyReport).map(formatViolation);
  return {
    ok: blocking.length === 0,
    outDir,
    files,
    errors: blocking,
    policyReport,
    plan,
    summary: planSummary(plan),
  };
}
