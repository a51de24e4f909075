import { expect } from "chai";
import { abacRunAsAttribute } from "../../policypack/abac";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { EXAMPLE_STACKS } from "../support/exampleStacks";
import { declared, exampleResources, only, validateResource, withInputs } from "../support/policyHarness";

const NATIVE = "aws-native:sso:InstanceAccessControlAttributeConfiguration";
const CLASSIC = "aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes";
const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";

type Attribute = { key: string; sources: string[] };

function nativeAbac(attributes: Attribute[]): DeclaredResource {
  return declared(NATIVE, "abac", {
    instanceArn: INSTANCE_ARN,
    accessControlAttributes: attributes.map(({ key, sources }) => ({ key, value: { source: sources } })),
  });
}

/** The classic provider's shape (node_modules/@pulumi/aws/ssoadmin): attributes[].values[].sources. */
function classicAbac(attributes: Attribute[]): DeclaredResource {
  return declared(CLASSIC, "abac-classic", {
    instanceArn: INSTANCE_ARN,
    attributes: attributes.map(({ key, sources }) => ({ key, values: [{ sources }] })),
  });
}

const RUN_AS: Attribute = { key: "SSMSessionRunAs", sources: ["${path:enterprise.employeeNumber}"] };
const COST_CENTER: Attribute = { key: "CostCenter", sources: ["${path:enterprise.costCenter}"] };

// Each violation: the attribute list, and what the message must say.
const VIOLATIONS: [string, Attribute[], RegExp][] = [
  ["no SSMSessionRunAs key", [COST_CENTER], /must hold exactly one key SSMSessionRunAs/],
  [
    "SSMSessionRunAs in the wrong casing",
    [{ ...RUN_AS, key: "ssmsessionrunas" }],
    /\[0\]\.key "ssmsessionrunas": must be spelled exactly SSMSessionRunAs/,
  ],
  [
    "an empty source",
    [{ ...RUN_AS, sources: [""] }],
    /\[0\]\.source "": SSMSessionRunAs needs a non-empty source/,
  ],
  [
    "no source at all",
    [{ ...RUN_AS, sources: [] }],
    /\[0\]\.source \[\]: 0 sources: IAM Identity Center takes exactly one/,
  ],
  [
    "two sources",
    [{ ...RUN_AS, sources: ["${path:userName}", "${path:enterprise.employeeNumber}"] }],
    /\[0\]\.source \[.*\]: 2 sources/,
  ],
  [
    "a source of invalid syntax",
    [{ ...RUN_AS, sources: ["employeeNumber"] }],
    /\[0\]\.source "employeeNumber": use \$\{path:\.\.\.\}/,
  ],
  [
    "an unterminated ${path:",
    [{ ...RUN_AS, sources: ["${path:userName"] }],
    /"\$\{path:userName": use \$\{path/,
  ],
  [
    "a duplicate key",
    [RUN_AS, COST_CENTER, { ...COST_CENTER }],
    /\[2\]\.key "CostCenter": duplicate key \(also at index 1/,
  ],
  [
    "keys that differ only in case",
    [RUN_AS, COST_CENTER, { ...COST_CENTER, key: "costcenter" }],
    /\[2\]\.key "costcenter": duplicate key \(also at index 1; keys are compared case-insensitively\)/,
  ],
  [
    "51 attributes",
    [RUN_AS, ...Array.from({ length: 50 }, (_, i) => ({ key: `Attr${i}`, sources: ["${path:title}"] }))],
    /: 51 attributes: IAM Identity Center allows at most 50\.$/,
  ],
];

describe("policy ssm-runas-abac-run-as-attribute", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`passes the ${stack} stack's ABAC configuration as the program declares it`, async () => {
      const abac = only(await exampleResources(stack), NATIVE);
      const outcome = await validateResource(abacRunAsAttribute, abac);
      expect(outcome).to.deep.equal({ messages: [] });
    });
  }

  it("fails the program's own ABAC resource once SSMSessionRunAs is taken out of it", async () => {
    const abac = only(await exampleResources("dev"), NATIVE);
    const edited = withInputs(abac, (inputs) => {
      const list = inputs.accessControlAttributes as { key: string }[];
      inputs.accessControlAttributes = list.filter(({ key }) => key !== "SSMSessionRunAs");
    });
    const outcome = await validateResource(abacRunAsAttribute, edited);
    expect(outcome.messages).to.have.length(1);
    expect(outcome.messages[0]).to.match(/must hold exactly one key SSMSessionRunAs/);
  });

  it("accepts ${path:...} and AWS Managed Microsoft AD ${attribute} sources, and exactly 50 attributes", async () => {
    for (const source of [
      "${path:userName}",
      '${path:addresses[type eq "work"].locality}',
      "${samaccountname}",
    ]) {
      const outcome = await validateResource(
        abacRunAsAttribute,
        nativeAbac([{ ...RUN_AS, sources: [source] }]),
      );
      expect(outcome, source).to.deep.equal({ messages: [] });
    }
    const fifty = [RUN_AS, ...Array.from({ length: 49 }, (_, i) => ({ key: `Attr${i}`, sources: [""] }))];
    expect(await validateResource(abacRunAsAttribute, nativeAbac(fifty))).to.deep.equal({ messages: [] });
  });

  it("passes a compliant classic aws:ssoadmin InstanceAccessControlAttributes", async () => {
    const outcome = await validateResource(abacRunAsAttribute, classicAbac([RUN_AS, COST_CENTER]));
    expect(outcome).to.deep.equal({ messages: [] });
  });

  it("reads the deprecated instanceAccessControlAttributeConfiguration property of the native resource", async () => {
    const good = declared(NATIVE, "abac", {
      instanceArn: INSTANCE_ARN,
      instanceAccessControlAttributeConfiguration: {
        accessControlAttributes: [{ key: RUN_AS.key, value: { source: RUN_AS.sources } }],
      },
    });
    expect(await validateResource(abacRunAsAttribute, good)).to.deep.equal({ messages: [] });
    const bad = withInputs(good, (inputs) => {
      (
        inputs.instanceAccessControlAttributeConfiguration as { accessControlAttributes: unknown[] }
      ).accessControlAttributes = [];
    });
    expect((await validateResource(abacRunAsAttribute, bad)).messages).to.have.length(1);
  });

  for (const [what, attributes, message] of VIOLATIONS) {
    for (const [shape, make] of [
      ["aws-native", nativeAbac],
      ["classic aws", classicAbac],
    ] as const) {
      it(`refuses ${what} (${shape})`, async () => {
        const outcome = await validateResource(abacRunAsAttribute, make(attributes));
        expect(outcome.messages, outcome.messages.join("\n")).to.have.length(1);
        expect(outcome.messages[0]).to.match(message);
      });
    }
  }

  it("ignores other resource types", async () => {
    const outcome = await validateResource(abacRunAsAttribute, declared("aws:s3/bucket:Bucket", "b", {}));
    expect(outcome).to.deep.equal({ messages: [] });
  });
});
