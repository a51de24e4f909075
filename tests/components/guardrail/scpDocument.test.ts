import { expect } from "chai";
import {
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_ARN_PATTERN,
  WRITER_ROLE_NAME_PREFIX,
  RUN_SHELL_DOCUMENT_NAME,
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
} from "../../../policypack/rules/names";
import { renderScpDocument, scpPolicy, scpSizeError } from "../../../components/guardrail/scpDocument";
import { SCP_MAX_CHARACTERS } from "../../../policypack/rules/values";

const LZA = ["arn:aws:iam::*:role/AWSAccelerator-*", "arn:aws:iam::*:role/cdk-accel-*"];
const LZA_EXECUTION_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
const OPTIONS = {
  exceptionPrincipalArns: LZA,
  stackSetExecutionRoleArnPattern: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
};

const exemptOf = (sid: string, exceptions = LZA, stackSetRole = STACKSET_EXECUTION_ROLE_ARN_PATTERN) => {
  const statement = scpPolicy({
    exceptionPrincipalArns: exceptions,
    stackSetExecutionRoleArnPattern: stackSetRole,
  }).Statement.find((s) => s.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  return statement.Condition.ArnNotLike["aws:PrincipalArn"];
};

describe("SCP document (pure renderer)", () => {
  it("is minified JSON of the policy, as Organizations stores it", () => {
    const content = renderScpDocument(OPTIONS);
    expect(content).to.equal(JSON.stringify(JSON.parse(content)));
    expect(content).not.to.match(/\s/);
    expect(JSON.parse(content)).to.deep.equal(scpPolicy(OPTIONS));
  });

  it("only denies, and only on the document, the writer's roles, function and rules", () => {
    const protectedNames = [
      RUN_SHELL_DOCUMENT_NAME,
      WRITER_ROLE_NAME_PREFIX,
      "stacksets-exec-",
      `function:${WRITER_FUNCTION_NAME}`,
      `rule/${RECONCILE_ON_CHANGE_RULE_NAME}`,
      `rule/${RECONCILE_DAILY_RULE_NAME}`,
    ];
    for (const statement of scpPolicy(OPTIONS).Statement) {
      expect(statement.Effect).to.equal("Deny");
      for (const resource of statement.Resource) {
        expect(
          protectedNames.some((name) => resource.includes(name)),
          resource,
        ).to.equal(true);
      }
    }
  });

  it("exempts the writer role, the StackSet role and the configured principals from the document statement", () => {
    expect(exemptOf("RunShellDocument")).to.deep.equal([
      WRITER_ROLE_ARN_PATTERN,
      STACKSET_EXECUTION_ROLE_ARN_PATTERN,
      ...LZA,
    ]);
  });

  it("exempts only the StackSet role from the writer statements: not the writer, not LZA", () => {
    expect(exemptOf("WriterRole")).to.deep.equal([STACKSET_EXECUTION_ROLE_ARN_PATTERN]);
    expect(exemptOf("WriterFunctionAndRules")).to.deep.equal([STACKSET_EXECUTION_ROLE_ARN_PATTERN]);
  });

  it("exempts and protects the configured StackSet execution role instead of stacksets-exec-* (LZA)", () => {
    expect(exemptOf("RunShellDocument", LZA, LZA_EXECUTION_ROLE)).to.deep.equal([
      WRITER_ROLE_ARN_PATTERN,
      LZA_EXECUTION_ROLE,
      ...LZA,
    ]);
    expect(exemptOf("WriterRole", LZA, LZA_EXECUTION_ROLE)).to.deep.equal([LZA_EXECUTION_ROLE]);
    expect(exemptOf("WriterFunctionAndRules", LZA, LZA_EXECUTION_ROLE)).to.deep.equal([LZA_EXECUTION_ROLE]);
    // LZA creates and updates its own execution role: its pipelines stay exempt for that role's name.
    expect(exemptOf("StackSetRole", LZA, LZA_EXECUTION_ROLE)).to.deep.equal([LZA_EXECUTION_ROLE, ...LZA]);
    const policy = scpPolicy({ ...OPTIONS, stackSetExecutionRoleArnPattern: LZA_EXECUTION_ROLE });
    const roles = policy.Statement.find((s) => s.Sid === "StackSetRole")?.Resource;
    expect(roles).to.deep.equal([LZA_EXECUTION_ROLE]);
    expect(JSON.stringify(policy)).not.to.include("stacksets-exec-");
  });

  it("lists a principal once even when configured twice or already exempt", () => {
    expect(exemptOf("RunShellDocument", [...LZA, LZA[0], WRITER_ROLE_ARN_PATTERN])).to.deep.equal([
      WRITER_ROLE_ARN_PATTERN,
      STACKSET_EXECUTION_ROLE_ARN_PATTERN,
      ...LZA,
    ]);
  });

  it("accepts exactly up to 5,120 characters and names the size, the limit and the config key beyond", () => {
    expect(scpSizeError("x".repeat(SCP_MAX_CHARACTERS), 2)).to.equal(undefined);
    const error = scpSizeError("x".repeat(SCP_MAX_CHARACTERS + 1), 40);
    expect(error).to.equal(
      "the SCP document is 5121 characters, above the 5120 AWS Organizations allows: shorten or merge " +
        "the 40 ssm-runas-sync:scpExceptionPrincipalArns patterns",
    );
  });
});
