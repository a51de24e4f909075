import { expect } from "chai";
import { lambdaRuntimeSupported } from "../../policypack/runtime";
import { stackSetWriter } from "../../policypack/stackset";
import { RUN_SHELL_DOCUMENT_RESOURCE_TYPE } from "../../policypack/rules/names";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { EXAMPLE_STACKS, exampleRawConfig } from "../support/exampleStacks";
import {
  declared,
  exampleResources,
  only,
  programResourcesFor,
  validateResource,
  withInputs,
  withTemplate,
} from "../support/policyHarness";

const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const STACK = "aws:cloudformation/stack:Stack";

async function programStackSet(stack = "dev"): Promise<DeclaredResource> {
  return only(await exampleResources(stack), STACK_SET);
}

/** The logical id of the writer custom resource in the program's template. */
function writerId(template: { Resources: Record<string, { Type: string }> }): string {
  const ids = Object.keys(template.Resources).filter(
    (id) => template.Resources[id].Type === RUN_SHELL_DOCUMENT_RESOURCE_TYPE,
  );
  if (ids.length !== 1) throw new Error(`expected one custom resource, found ${ids.length}`);
  return ids[0];
}

async function messagesFor(resource: DeclaredResource): Promise<string[]> {
  const outcome = await validateResource(stackSetWriter, resource);
  expect(outcome.notApplicable).to.equal(undefined);
  return outcome.messages;
}

describe("policy ssm-runas-stackset-writer", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's StackSet, its instances and management-account stacks`, async () => {
      const resources = await exampleResources(stack);
      const checked = resources.filter((r) => [STACK_SET, INSTANCE, STACK].includes(r.type));
      expect(checked.filter((r) => r.type === STACK_SET)).to.have.length(1);
      if (stack === "prod") expect(checked.filter((r) => r.type === STACK)).to.have.length(4);
      for (const resource of checked) expect(await messagesFor(resource), resource.urn).to.deep.equal([]);
    });
  }

  it("refuses a self-managed StackSet", async () => {
    const stackSet = withInputs(
      await programStackSet(),
      (inputs) => (inputs.permissionModel = "SELF_MANAGED"),
    );
    const messages = await messagesFor(stackSet);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^permissionModel is "SELF_MANAGED": it must be SERVICE_MANAGED/);
  });

  it("refuses a StackSet without permissionModel (the provider's default is SELF_MANAGED)", async () => {
    const stackSet = withInputs(await programStackSet(), (inputs) => delete inputs.permissionModel);
    expect(await messagesFor(stackSet)).to.deep.equal([
      'permissionModel is "SELF_MANAGED": it must be SERVICE_MANAGED so Organizations deploys the writer to every ' +
        "account under the targets.",
    ]);
  });

  for (const [what, change] of [
    ["off", (inputs: Record<string, unknown>) => (inputs.autoDeployment = { enabled: false })],
    ["missing", (inputs: Record<string, unknown>) => delete inputs.autoDeployment],
  ] as const) {
    it(`refuses a StackSet with auto-deployment ${what}`, async () => {
      const messages = await messagesFor(withInputs(await programStackSet(), change));
      expect(messages).to.deep.equal([
        "autoDeployment.enabled is not true: accounts created or moved later would never get RunAs.",
      ]);
    });
  }

  it("refuses the RunShell StackSet once its template no longer carries the writer custom resource", async () => {
    const stackSet = withTemplate(
      await programStackSet(),
      (template) => delete template.Resources[writerId(template)],
    );
    const messages = await messagesFor(stackSet);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^The template has no writer custom resource/);
  });

  /** The StackSet with its RunAsEnabled parameter set to `value`, as `runAsEnabled` in the config would. */
  const withRunAsEnabled = async (value: unknown) =>
    withInputs(await programStackSet(), (inputs) => {
      (inputs.parameters as Record<string, unknown>).RunAsEnabled = value;
    });
  /** Sets the writer function's RUN_AS_ENABLED in the template. */
  const setVariable = (
    template: { Resources: Record<string, { Properties: Record<string, unknown> }> },
    value: unknown,
  ) => {
    const environment = template.Resources.WriterFunction.Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    environment.Variables.RUN_AS_ENABLED = value;
  };
  const SWITCHES = ["RunShellDocument.RunAsEnabled", "WriterFunction.Environment.Variables.RUN_AS_ENABLED"];

  for (const value of ["True", "yes", ""]) {
    it(`refuses RunAsEnabled ${JSON.stringify(value)} in the custom resource and the reconcile's environment`, async () => {
      expect(await messagesFor(await withRunAsEnabled(value))).to.deep.equal(
        SWITCHES.map(
          (where) => `${where} is ${JSON.stringify(value)}: it must be "true" (or "false" for break-glass).`,
        ),
      );
    });
  }

  it('refuses RunAsEnabled "false" (break-glass) by default, naming the config that allows it', async () => {
    expect(await messagesFor(await withRunAsEnabled("false"))).to.deep.equal(
      SWITCHES.map(
        (where) =>
          `${where} is "false" (break-glass: RunAs off everywhere): refused unless the policy pack's config ` +
          "sets allowBreakGlass to true for ssm-runas-stackset-writer.",
      ),
    );
  });

  it('accepts RunAsEnabled "false" with allowBreakGlass, and still refuses a value that is neither', async () => {
    const allow = { "ssm-runas-stackset-writer": { allowBreakGlass: true } };
    const allowed = await validateResource(stackSetWriter, await withRunAsEnabled("false"), allow);
    expect(allowed.messages).to.deep.equal([]);
    const literal = withTemplate(await programStackSet(), (template) => {
      template.Resources[writerId(template)].Properties.RunAsEnabled = false;
      setVariable(template, false);
    });
    expect((await validateResource(stackSetWriter, literal, allow)).messages).to.deep.equal([]);
    const neither = await validateResource(stackSetWriter, await withRunAsEnabled("off"), allow);
    expect(neither.messages).to.have.length(2);
  });

  it("refuses a template whose reconcile would undo what its custom resource sets, allowed or not", async () => {
    const split = withTemplate(await programStackSet(), (template) => {
      setVariable(template, "false");
    });
    const allow = { "ssm-runas-stackset-writer": { allowBreakGlass: true } };
    expect((await validateResource(stackSetWriter, split, allow)).messages).to.deep.equal([
      'RunAs is switched both ways (RunShellDocument.RunAsEnabled "true", ' +
        'WriterFunction.Environment.Variables.RUN_AS_ENABLED "false"): the writer would undo on every reconcile ' +
        "what a stack update applies.",
    ]);
    expect(await messagesFor(split)).to.have.length(2);
  });

  it("refuses a RunAsEnabled the pack cannot resolve", async () => {
    const missing = withTemplate(
      await programStackSet(),
      (template) => delete template.Parameters.RunAsEnabled,
    );
    expect(await messagesFor(missing)).to.deep.equal(
      SWITCHES.map((where) => `${where} refers to RunAsEnabled, which is not a template parameter.`),
    );
  });

  for (const [user, reason] of [
    ["root", /"root": root is refused/],
    ["Admin User", /"Admin User": not a Linux user name/],
    ["", /"": not a Linux user name/],
  ] as const) {
    it(`refuses RunAsDefaultUser ${JSON.stringify(user)} given through the StackSet's parameters`, async () => {
      const stackSet = withInputs(await programStackSet(), (inputs) => {
        (inputs.parameters as Record<string, string>).RunAsDefaultUser = user;
      });
      const messages = await messagesFor(stackSet);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(/\.RunAsDefaultUser: /);
      expect(messages[0]).to.match(reason);
    });
  }

  it("resolves RunAsDefaultUser to the parameter's Default when the StackSet gives no value", async () => {
    const base = withInputs(await programStackSet(), (inputs) => {
      delete (inputs.parameters as Record<string, string>).RunAsDefaultUser;
    });
    expect(await messagesFor(base)).to.deep.equal([
      `${writerIdOf(base)}.RunAsDefaultUser: refers to parameter RunAsDefaultUser, which has no value and no Default.`,
    ]);
    const withDefault = withTemplate(
      base,
      (template) => (template.Parameters.RunAsDefaultUser.Default = "root"),
    );
    expect(await messagesFor(withDefault)).to.deep.equal([
      `${writerIdOf(base)}.RunAsDefaultUser: "root": root is refused: sessions must not fall back to the superuser.`,
    ]);
  });

  it("refuses a RunAsDefaultUser the pack cannot evaluate, and a literal invalid one", async () => {
    const sub = withTemplate(await programStackSet(), (template) => {
      template.Resources[writerId(template)].Properties.RunAsDefaultUser = { "Fn::Sub": "${AWS::Region}" };
    });
    expect((await messagesFor(sub))[0]).to.match(
      /RunAsDefaultUser: uses Fn::Sub, which the pack cannot evaluate/,
    );
    const literal = withTemplate(await programStackSet(), (template) => {
      template.Resources[writerId(template)].Properties.RunAsDefaultUser = "root";
    });
    expect((await messagesFor(literal))[0]).to.match(/RunAsDefaultUser: "root": root is refused/);
  });

  it("refuses a template it cannot read: not JSON, or given by URL", async () => {
    const yaml = withInputs(await programStackSet(), (inputs) => (inputs.templateBody = "Resources: {}\n"));
    expect((await messagesFor(yaml))[0]).to.match(/^The templateBody is not a JSON CloudFormation template/);
    const url = withInputs(await programStackSet(), (inputs) => {
      delete inputs.templateBody;
      inputs.templateUrl = "https://example-bucket.s3.amazonaws.com/runshell.json";
    });
    expect(await messagesFor(url)).to.deep.equal([
      "No templateBody: the pack can only verify a template given inline as JSON.",
    ]);
  });

  it("checks a StackSet of another name that carries the writer", async () => {
    const renamed = withInputs(await programStackSet(), (inputs) => {
      inputs.name = "platform-runshell";
      inputs.permissionModel = "SELF_MANAGED";
    });
    expect(await messagesFor(renamed)).to.have.length(1);
  });

  it("leaves other StackSets alone", async () => {
    const other = declared(STACK_SET, "other", {
      name: "platform-baseline",
      permissionModel: "SELF_MANAGED",
      templateBody: JSON.stringify({ Resources: { Topic: { Type: "AWS::SNS::Topic", Properties: {} } } }),
    });
    expect(await messagesFor(other)).to.deep.equal([]);
  });

  it("passes per-OU overrides the program declares, and refuses an instance that overrides the user to root", async () => {
    const raw = {
      ...exampleRawConfig("dev"),
      deploymentTargets: ["ou-x7k2-9d3hq5ab"],
      organizationalUnitOverrides: { "ou-x7k2-1a2b3c4d": "ops-fallback" },
    };
    const instances = (await programResourcesFor(raw)).filter((r) => r.type === INSTANCE);
    const overridden = instances.filter((r) => r.inputs.parameterOverrides !== undefined);
    expect(overridden).to.have.length(1);
    for (const instance of instances) expect(await messagesFor(instance)).to.deep.equal([]);
    const root = withInputs(
      overridden[0],
      (inputs) => (inputs.parameterOverrides = { RunAsDefaultUser: "root" }),
    );
    expect(await messagesFor(root)).to.deep.equal([
      'parameterOverrides.RunAsDefaultUser: "root": root is refused: sessions must not fall back to the superuser.',
    ]);
  });

  it("refuses a management-account stack whose parameters turn RunAs off, unless break-glass is allowed", async () => {
    const stack = only(await exampleResources("prod"), STACK, (r) => r.name.endsWith("eu-west-1"));
    const disabled = withInputs(stack, (inputs) => {
      (inputs.parameters as Record<string, string>).RunAsEnabled = "false";
    });
    expect(await messagesFor(disabled)).to.have.length(2);
    const allow = { "ssm-runas-stackset-writer": { allowBreakGlass: true } };
    expect((await validateResource(stackSetWriter, disabled, allow)).messages).to.deep.equal([]);
  });

  it("refuses a stack instance that overrides RunAsEnabled to false, unless allowed, or to anything else", async () => {
    const instance = only(await exampleResources("dev"), INSTANCE, () => true);
    const override = (value: string) =>
      withInputs(instance, (inputs) => (inputs.parameterOverrides = { RunAsEnabled: value }));
    expect(await messagesFor(override("false"))).to.deep.equal([
      'parameterOverrides.RunAsEnabled is "false" (break-glass: RunAs off everywhere): refused unless the ' +
        "policy pack's config sets allowBreakGlass to true for ssm-runas-stackset-writer.",
    ]);
    const allow = { "ssm-runas-stackset-writer": { allowBreakGlass: true } };
    expect((await validateResource(stackSetWriter, override("false"), allow)).messages).to.deep.equal([]);
    expect(await messagesFor(override("true"))).to.deep.equal([]);
    expect(await messagesFor(override("no"))).to.deep.equal([
      'parameterOverrides.RunAsEnabled is "no": it must be "true" (or "false" for break-glass).',
    ]);
  });
});

function writerIdOf(resource: DeclaredResource): string {
  return writerId(JSON.parse(String(resource.inputs.templateBody)));
}

describe("policy ssm-runas-lambda-runtime-supported (advisory)", () => {
  /** The logical id of the Lambda function in the program's template. */
  function functionId(template: { Resources: Record<string, { Type: string }> }): string {
    return Object.keys(template.Resources).filter(
      (id) => template.Resources[id].Type === "AWS::Lambda::Function",
    )[0];
  }

  it("is advisory", () => expect(lambdaRuntimeSupported.enforcementLevel).to.equal("advisory"));

  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's templates (nodejs24.x)`, async () => {
      const resources = (await exampleResources(stack)).filter(
        (r) => r.type === STACK_SET || r.type === STACK,
      );
      expect(resources.length).to.be.greaterThan(0);
      for (const r of resources)
        expect(await validateResource(lambdaRuntimeSupported, r)).to.deep.equal({ messages: [] });
    });
  }

  for (const runtime of ["nodejs20.x", "nodejs18.x", "nodejs16.x", "nodejs8.10", "nodejs"]) {
    it(`warns about ${runtime} in the StackSet template`, async () => {
      const stackSet = withTemplate(await programStackSet(), (template) => {
        template.Resources[functionId(template)].Properties.Runtime = runtime;
      });
      const { messages } = await validateResource(lambdaRuntimeSupported, stackSet);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(
        new RegExp(`uses runtime ${runtime}, which is deprecated: use nodejs24\\.x\\.$`),
      );
    });
  }

  for (const runtime of ["nodejs22.x", "nodejs24.x", "python3.12"]) {
    it(`accepts ${runtime}`, async () => {
      const stackSet = withTemplate(await programStackSet(), (template) => {
        template.Resources[functionId(template)].Properties.Runtime = runtime;
      });
      expect(await validateResource(lambdaRuntimeSupported, stackSet)).to.deep.equal({ messages: [] });
    });
  }

  it("warns about a deprecated runtime on a Lambda function declared directly", async () => {
    const fn = declared("aws:lambda/function:Function", "fn", {
      runtime: "nodejs18.x",
      handler: "index.handler",
    });
    expect((await validateResource(lambdaRuntimeSupported, fn)).messages).to.deep.equal([
      "runtime nodejs18.x is deprecated: use nodejs24.x.",
    ]);
    const current = withInputs(fn, (inputs) => (inputs.runtime = "nodejs22.x"));
    expect(await validateResource(lambdaRuntimeSupported, current)).to.deep.equal({ messages: [] });
  });
});
