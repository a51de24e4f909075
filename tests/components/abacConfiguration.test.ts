import { expect } from "chai";
import { AbacConfiguration, type AbacConfigurationArgs } from "../../components/abacConfiguration";
import { parseStackConfig } from "../../config/schema";
import { declareStack } from "../../program";
import { runOnMocks, type DeclaredResource } from "../../synth/mockRuntime";
import { exampleRawConfig } from "../support/exampleStacks";

const ABAC_TYPE = "aws-native:sso:InstanceAccessControlAttributeConfiguration";
const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
const ATTRIBUTES = [
  { key: "SSMSessionRunAs", source: "${path:enterprise.employeeNumber}" },
  { key: "CostCenter", source: "${path:enterprise.costCenter}" },
];

async function declare(args: Partial<AbacConfigurationArgs> = {}) {
  return runOnMocks(
    () => {
      const abac = new AbacConfiguration("abac", {
        instanceArn: INSTANCE_ARN,
        attributes: ATTRIBUTES,
        ...args,
      });
      return { instanceArn: abac.instanceArn, keys: abac.attributeKeys, runAsSource: abac.runAsSource };
    },
    { stack: "test", config: {} },
  );
}

function only(resources: DeclaredResource[], type: string): DeclaredResource {
  const matching = resources.filter((r) => r.type === type);
  expect(matching, `resources of type ${type}`).to.have.length(1);
  return matching[0];
}

describe("AbacConfiguration", () => {
  it("declares exactly one ABAC singleton with the flat attribute list", async () => {
    const { resources } = await declare();
    const abac = only(resources, ABAC_TYPE);
    expect(abac.inputs).to.deep.equal({
      instanceArn: INSTANCE_ARN,
      accessControlAttributes: [
        { key: "SSMSessionRunAs", value: { source: ["${path:enterprise.employeeNumber}"] } },
        { key: "CostCenter", value: { source: ["${path:enterprise.costCenter}"] } },
      ],
    });
    expect(abac.inputs).not.to.have.property("instanceAccessControlAttributeConfiguration");
  });

  it("parents the singleton to the component", async () => {
    const { resources } = await declare();
    const component = only(resources, "ssm-runas-sync:index:AbacConfiguration");
    expect(only(resources, ABAC_TYPE).parent).to.equal(component.urn);
  });

  it("protects and retains the singleton by default", async () => {
    const abac = only((await declare()).resources, ABAC_TYPE);
    expect(abac.protect).to.equal(true);
    expect(abac.retainOnDelete).to.equal(true);
  });

  it("lets a caller opt out of protection explicitly", async () => {
    const abac = only((await declare({ protect: false, retainOnDelete: false })).resources, ABAC_TYPE);
    expect(abac.protect).to.equal(false);
    expect(abac.retainOnDelete).to.equal(false);
  });

  it("imports by instance ARN only when asked", async () => {
    expect(only((await declare()).resources, ABAC_TYPE).importId).to.equal(undefined);
    expect(only((await declare({ importExisting: false })).resources, ABAC_TYPE).importId).to.equal(
      undefined,
    );
    expect(only((await declare({ importExisting: true })).resources, ABAC_TYPE).importId).to.equal(
      INSTANCE_ARN,
    );
  });

  it("outputs the instance ARN, the attribute keys and the SSMSessionRunAs source", async () => {
    const { outputs } = await declare();
    expect(outputs).to.deep.equal({
      instanceArn: INSTANCE_ARN,
      keys: ["SSMSessionRunAs", "CostCenter"],
      runAsSource: "${path:enterprise.employeeNumber}",
    });
  });

  it("refuses an attribute list without SSMSessionRunAs even when called around the config validation", async () => {
    let error: unknown;
    try {
      await declare({ attributes: [{ key: "CostCenter", source: "${path:enterprise.costCenter}" }] });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain("has no SSMSessionRunAs key");
  });

  it("is what the program declares for the dev stack, import included", async () => {
    const parsed = parseStackConfig(exampleRawConfig("dev"));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const { resources } = await runOnMocks(() => declareStack(parsed.config), { stack: "dev", config: {} });
    const abac = only(resources, ABAC_TYPE);
    expect(abac.importId).to.equal(parsed.config.identityCenterInstanceArn);
    expect(abac.inputs.instanceArn).to.equal(parsed.config.identityCenterInstanceArn);
  });
});
