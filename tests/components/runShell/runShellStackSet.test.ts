import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { RUNSHELL_MANAGEMENT_STACK_NAME, RUNSHELL_STACKSET_NAME } from "../../../policypack/rules/names";
import { runShellTemplateBody } from "../../../components/runShell/template";
import { parseStackConfig } from "../../../config/schema";
import { NEWEST_NODEJS_RUNTIME } from "../../../policypack/rules/values";
import { writerInlineCode } from "../../../lambda/bundle";
import { declareStack } from "../../../program";
import { runOnMocks, type DeclaredResource } from "../../../synth/mockRuntime";
import { exampleRawConfig } from "../../support/exampleStacks";
import {
  AWS_PROVIDER,
  COMPONENT,
  INSTANCE,
  MANAGEMENT_PROVIDER_ARGS,
  ofType,
  prodConfigWith,
  refusal,
  runStack,
  STACK,
  STACKSET,
} from "../../support/runShell";

const PROD_REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"];
const OU_A = "ou-x7k2-aaaaaaaa";
const OU_B = "ou-x7k2-bbbbbbbb";
const OU_DATA = "ou-x7k2-dddddddd";

/** The (target, region) pair of each stack instance, as "target@region". */
const placements = (instances: DeclaredResource[]) =>
  instances.map((i) => {
    const inputs = i.inputs as {
      deploymentTargets: { organizationalUnitIds: string[] };
      stackSetInstanceRegion: string;
    };
    return `${inputs.deploymentTargets.organizationalUnitIds.join("+")}@${inputs.stackSetInstanceRegion}`;
  });

const only = (resources: DeclaredResource[], type: string) => {
  const matching = ofType(resources, type);
  expect(matching, type).to.have.length(1);
  return matching[0];
};

describe("RunShellStackSet on the mock runtime", () => {
  describe("for the prod stack (the root, four regions, the management account)", () => {
    let run: Awaited<ReturnType<typeof runStack>>;
    before(async () => {
      run = await runStack(prodConfigWith({}));
    });

    it("declares one service-managed StackSet that auto-deploys and removes stacks with their account", () => {
      const stackSet = only(run.resources, STACKSET);
      expect(stackSet.inputs).to.deep.include({
        name: RUNSHELL_STACKSET_NAME,
        permissionModel: "SERVICE_MANAGED",
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        callAs: "SELF",
        capabilities: ["CAPABILITY_NAMED_IAM"],
        managedExecution: { active: true },
        parameters: { RunAsEnabled: "true", RunAsDefaultUser: "ssm-fallback", OnDelete: "retain" },
      });
    });

    it("deploys the template built from the writer bundle, byte for byte", () => {
      expect(only(run.resources, STACKSET).inputs.templateBody).to.equal(
        runShellTemplateBody({ code: writerInlineCode(), runtime: NEWEST_NODEJS_RUNTIME }),
      );
    });

    it("uses the large-organisation operation preferences: parallel regions, 50 % at once, 5 % may fail", () => {
      expect(only(run.resources, STACKSET).inputs.operationPreferences).to.deep.equal({
        regionConcurrencyType: "PARALLEL",
        maxConcurrentPercentage: 50,
        failureTolerancePercentage: 5,
      });
      for (const instance of ofType(run.resources, INSTANCE)) {
        expect(instance.inputs.operationPreferences).to.deep.equal({
          regionConcurrencyType: "PARALLEL",
          maxConcurrentPercentage: 50,
          failureTolerancePercentage: 5,
          concurrencyMode: "SOFT_FAILURE_TOLERANCE",
        });
      }
    });

    it("has one stack instance per target × region, of this StackSet, as the config's caller", () => {
      const instances = ofType(run.resources, INSTANCE);
      expect(placements(instances)).to.have.members(PROD_REGIONS.map((region) => `r-x7k2@${region}`));
      for (const instance of instances) {
        expect(instance.inputs).to.deep.include({
          stackSetName: RUNSHELL_STACKSET_NAME,
          callAs: "SELF",
          retainStack: false,
        });
        expect(instance.inputs).not.to.have.property("parameterOverrides");
      }
    });

    it("covers the management account with a plain stack per region, each through its own region's provider", () => {
      const providers = ofType(run.resources, AWS_PROVIDER);
      expect(providers.map((p) => p.inputs.region)).to.have.members(PROD_REGIONS);
      const stacks = ofType(run.resources, STACK);
      expect(stacks).to.have.length(PROD_REGIONS.length);
      for (const stack of stacks) {
        expect(stack.inputs).to.deep.equal({
          name: RUNSHELL_MANAGEMENT_STACK_NAME,
          templateBody: runShellTemplateBody({ code: writerInlineCode(), runtime: NEWEST_NODEJS_RUNTIME }),
          parameters: { RunAsEnabled: "true", RunAsDefaultUser: "ssm-fallback", OnDelete: "retain" },
          capabilities: ["CAPABILITY_NAMED_IAM"],
        });
        const provider = providers.find((p) => p.name === run.providerOf.get(stack.name));
        expect(provider, `provider of ${stack.name}`).to.not.equal(undefined);
        expect(stack.name).to.equal(`runshell-management-${provider!.inputs.region}`);
      }
    });

    it("parents every resource it declares to the component", () => {
      const component = only(run.resources, COMPONENT);
      const children = [STACKSET, INSTANCE, STACK, AWS_PROVIDER].flatMap((type) =>
        ofType(run.resources, type),
      );
      expect(children).to.have.length(1 + 4 + 4 + 4);
      for (const child of children) expect(child.parent, child.name).to.equal(component.urn);
    });

    it("exports the StackSet's name and id and the management stacks' ids", async () => {
      // The whole program's outputs are unknown in a preview (the StackSet id is computed), so read them here.
      const parsed = parseStackConfig(exampleRawConfig("prod"));
      if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
      const { outputs } = await runOnMocks(
        () => {
          const { runShellStackSetName, runShellStackSetId, runShellManagementStackIds } = declareStack(
            parsed.config,
            { managementProviderArgs: MANAGEMENT_PROVIDER_ARGS },
          );
          expect(pulumi.Output.isInstance(runShellStackSetId)).to.equal(true);
          return { runShellStackSetName, runShellManagementStackIds };
        },
        { stack: "prod", config: {} },
      );
      expect(outputs).to.deep.equal({
        runShellStackSetName: RUNSHELL_STACKSET_NAME,
        runShellManagementStackIds: PROD_REGIONS.map((region) => `runshell-management-${region}-id`),
      });
    });

    it("asks Organizations nothing when there is a single target", () => {
      expect(run.askedFor).to.deep.equal([]);
    });
  });

  it("multiplies OU targets by regions, and declares no management-account stacks unless asked", async () => {
    const { resources } = await runStack(
      prodConfigWith({
        deploymentTargets: [OU_A, OU_B],
        regions: ["eu-west-1", "us-east-1", "ap-southeast-2"],
        includeManagementAccount: false,
      }),
    );
    expect(placements(ofType(resources, INSTANCE))).to.have.members(
      [OU_A, OU_B].flatMap((ou) =>
        ["eu-west-1", "us-east-1", "ap-southeast-2"].map((region) => `${ou}@${region}`),
      ),
    );
    expect(ofType(resources, STACK)).to.deep.equal([]);
    expect(ofType(resources, AWS_PROVIDER)).to.deep.equal([]);
  });

  it("gives an override OU instances of its own, with only the default user overridden", async () => {
    const { resources } = await runStack(
      prodConfigWith({
        deploymentTargets: [OU_A, OU_B],
        organizationalUnitOverrides: { [OU_DATA]: "dba" },
        regions: ["eu-west-1", "us-east-1"],
      }),
    );
    const instances = ofType(resources, INSTANCE);
    expect(placements(instances)).to.have.members(
      [OU_A, OU_B, OU_DATA].flatMap((ou) => ["eu-west-1", "us-east-1"].map((region) => `${ou}@${region}`)),
    );
    for (const instance of instances) {
      const isOverride = placements([instance])[0].startsWith(OU_DATA);
      if (isOverride) expect(instance.inputs.parameterOverrides).to.deep.equal({ RunAsDefaultUser: "dba" });
      else expect(instance.inputs).not.to.have.property("parameterOverrides");
    }
    expect(only(resources, STACKSET).inputs.parameters).to.deep.equal({
      RunAsEnabled: "true",
      RunAsDefaultUser: "ssm-fallback",
      OnDelete: "retain",
    });
  });

  it("carries the fallback-user association fed by RunAsDefaultUser, so an override OU's stacks create its own user, and break-glass keeps it", async () => {
    const { resources } = await runStack(
      prodConfigWith({
        deploymentTargets: [OU_A],
        organizationalUnitOverrides: { [OU_DATA]: "dba" },
        runAsEnabled: false,
      }),
    );
    const template = JSON.parse(only(resources, STACKSET).inputs.templateBody as string) as {
      Resources: Record<string, { Type: string; Properties: { Parameters: { commands: unknown[] } } }>;
    };
    const association = template.Resources.FallbackUserAssociation;
    expect(association.Type).to.equal("AWS::SSM::Association");
    expect(association.Properties.Parameters.commands[0]).to.deep.equal({
      "Fn::Sub": "user='${RunAsDefaultUser}'",
    });
    const overridden = ofType(resources, INSTANCE).filter((i) => placements([i])[0].startsWith(OU_DATA));
    expect(overridden.map((i) => i.inputs.parameterOverrides)).to.deep.equal(
      overridden.map(() => ({ RunAsDefaultUser: "dba" })),
    );
    expect(overridden).to.have.length.greaterThan(0);
  });

  it("leaves the association out with ensureFallbackUser false", async () => {
    const { resources } = await runStack(prodConfigWith({ ensureFallbackUser: false }));
    const body = only(resources, STACKSET).inputs.templateBody as string;
    expect(body).to.equal(
      runShellTemplateBody(
        { code: writerInlineCode(), runtime: NEWEST_NODEJS_RUNTIME },
        { ensureFallbackUser: false },
      ),
    );
    expect(body).not.to.include("AWS::SSM::Association");
  });

  it("acts as a delegated administrator when the config says so, on the StackSet and every instance", async () => {
    const { resources } = await runStack(
      prodConfigWith({ stackSetCallAs: "DELEGATED_ADMIN", includeManagementAccount: false }),
    );
    for (const resource of [...ofType(resources, STACKSET), ...ofType(resources, INSTANCE)]) {
      expect(resource.inputs.callAs, resource.name).to.equal("DELEGATED_ADMIN");
    }
  });

  it("takes operation preferences from the config, filling what is left out", async () => {
    const { resources } = await runStack(
      prodConfigWith({
        stackSetOperationPreferences: { regionConcurrencyType: "SEQUENTIAL", maxConcurrentPercentage: 20 },
      }),
    );
    expect(only(resources, STACKSET).inputs.operationPreferences).to.deep.equal({
      regionConcurrencyType: "SEQUENTIAL",
      maxConcurrentPercentage: 20,
      failureTolerancePercentage: 5,
    });
    expect(ofType(resources, INSTANCE)[0].inputs.operationPreferences).to.deep.include({
      maxConcurrentPercentage: 20,
      concurrencyMode: "SOFT_FAILURE_TOLERANCE",
    });
  });

  it("refuses bad operation preferences with one line each, naming the field", () => {
    const errors = (preferences: unknown) => {
      const parsed = parseStackConfig({
        ...exampleRawConfig("prod"),
        stackSetOperationPreferences: preferences,
      });
      return parsed.ok ? [] : parsed.errors;
    };
    expect(errors({ maxConcurrentPercentage: 0 })).to.deep.equal([
      "ssm-runas-sync:stackSetOperationPreferences.maxConcurrentPercentage: 0 is invalid: must be a whole percentage 1-100",
    ]);
    expect(errors({ failureTolerancePercentage: 2.5 })[0]).to.match(
      /failureTolerancePercentage: 2\.5 is invalid/,
    );
    expect(errors({ regionConcurrencyType: "ALL" })[0]).to.match(
      /regionConcurrencyType: "ALL" is invalid: must be PARALLEL or SEQUENTIAL/,
    );
    expect(errors({ concurrencyMode: "FAST" })[0]).to.match(/concurrencyMode: "FAST" is invalid/);
    expect(errors({ maxConcurrentCount: 10 })[0]).to.match(/maxConcurrentCount: 10 is invalid: unknown key/);
  });

  it("refuses the management-account stacks when acting as a delegated administrator, declaring nothing", async () => {
    const { error, constructed } = await refusal(
      prodConfigWith({ stackSetCallAs: "DELEGATED_ADMIN", includeManagementAccount: true }),
    );
    expect(error).to.be.instanceOf(pulumi.RunError);
    expect((error as Error).message).to.match(
      /^ssm-runas-sync:includeManagementAccount: true is invalid: needs stackSetCallAs SELF/,
    );
    expect(constructed).to.equal(0);
  });

  it("passes break-glass (runAsEnabled false) to the StackSet and the management stacks, not to an override", async () => {
    const { resources } = await runStack(
      prodConfigWith({
        runAsEnabled: false,
        deploymentTargets: [OU_A],
        organizationalUnitOverrides: { [OU_DATA]: "dba" },
      }),
    );
    expect(only(resources, STACKSET).inputs.parameters).to.deep.include({ RunAsEnabled: "false" });
    const stacks = ofType(resources, STACK);
    expect(stacks).to.have.length(PROD_REGIONS.length);
    for (const stack of stacks) expect(stack.inputs.parameters).to.deep.include({ RunAsEnabled: "false" });
    // An override instance takes every other parameter from the StackSet, so break-glass reaches it too.
    for (const instance of ofType(resources, INSTANCE)) {
      const overrides = (instance.inputs.parameterOverrides ?? {}) as Record<string, string>;
      expect(overrides).not.to.have.property("RunAsEnabled");
    }
  });

  it("passes the delete behaviour to the template", async () => {
    const { resources } = await runStack(prodConfigWith({ onDelete: "restore" }));
    expect(only(resources, STACKSET).inputs.parameters).to.deep.include({ OnDelete: "restore" });
    for (const stack of ofType(resources, STACK))
      expect(stack.inputs.parameters).to.deep.include({ OnDelete: "restore" });
  });
});
