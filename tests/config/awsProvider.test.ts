import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  AWS_PROVIDER_CONFIG_KEYS,
  GET_ORGANIZATION_INVOKE,
  pinnedToManagementAccount,
  readManagementProviderArgs,
  stackAwsSettings,
  type StackAwsSettings,
} from "../../config/awsProvider";
import { runOnMocks } from "../../synth/mockRuntime";

const MANAGEMENT = "111111111111";
const ASSUME_ROLES = [
  { roleArn: "arn:aws:iam::111111111111:role/pipeline", sessionName: "ssm-runas", externalId: "x-1" },
  { roleArn: "arn:aws:iam::111111111111:role/deployer" },
];

function settingsOf(all: Record<string, string>): StackAwsSettings {
  const decoded = stackAwsSettings(all);
  if (!decoded.ok) throw new Error(decoded.errors.join("\n"));
  return decoded.settings;
}

function pinned(settings: StackAwsSettings) {
  const result = pinnedToManagementAccount(settings, MANAGEMENT);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.args;
}

function pinErrors(settings: StackAwsSettings): string[] {
  const result = pinnedToManagementAccount(settings, MANAGEMENT);
  return result.ok ? [] : result.errors;
}

describe("the stack's aws: settings as provider arguments", () => {
  it("lists every key the stack's aws: config can set, as @pulumi/aws's config module reads them", () => {
    // The module's getters, one per key, beside its helper functions (requireRegion).
    const configurable = Object.keys(aws.config).filter(
      (key) => typeof (aws.config as Record<string, unknown>)[key] !== "function",
    );
    expect(configurable).to.have.length.above(30);
    expect(Object.keys(AWS_PROVIDER_CONFIG_KEYS)).to.have.members(configurable);
  });

  it("decodes every key the way the provider's own config getters do", async () => {
    // The same text for every key: a getter that parses JSON returns the list, one that does not, the text.
    const text = '["eu-west-1"]';
    const config = Object.fromEntries(
      Object.keys(AWS_PROVIDER_CONFIG_KEYS).map((key) => [`aws:${key}`, text]),
    );
    let ours: Record<string, unknown> = {};
    let theirs: Record<string, unknown> = {};
    await runOnMocks(
      () => {
        ours = settingsOf(pulumi.runtime.allConfig()) as Record<string, unknown>;
        theirs = Object.fromEntries(
          Object.keys(AWS_PROVIDER_CONFIG_KEYS).map((key) => [
            key,
            (aws.config as Record<string, unknown>)[key],
          ]),
        );
        return {};
      },
      { stack: "test", config },
    );
    const { region, ...theirsWithoutRegion } = theirs;
    expect(region).to.equal(text);
    expect(ours).to.deep.equal(theirsWithoutRegion);
    expect(ours.assumeRoles).to.deep.equal(["eu-west-1"]);
    expect(ours.profile).to.equal(text);
  });

  it("carries what the stack sets and nothing else: not the region, not other namespaces", () => {
    expect(
      settingsOf({
        "aws:region": "eu-west-1",
        "aws:profile": "org-management",
        "aws:assumeRoles": JSON.stringify(ASSUME_ROLES),
        "aws:sharedConfigFiles": '["/etc/aws/config"]',
        "aws:endpoints": '[{"sts":"https://sts.eu-west-1.amazonaws.com"}]',
        "aws:skipMetadataApiCheck": "false",
        "aws:maxRetries": "5",
        "aws-native:profile": "another",
        "ssm-runas-sync:regions": '["eu-west-1"]',
      }),
    ).to.deep.equal({
      profile: "org-management",
      assumeRoles: ASSUME_ROLES,
      sharedConfigFiles: ["/etc/aws/config"],
      endpoints: [{ sts: "https://sts.eu-west-1.amazonaws.com" }],
      skipMetadataApiCheck: false,
      maxRetries: 5,
    });
    expect(settingsOf({})).to.deep.equal({});
  });

  it("refuses a structured value that is not JSON, one line naming the key", () => {
    expect(stackAwsSettings({ "aws:assumeRoles": "[{roleArn: x" })).to.deep.equal({
      ok: false,
      errors: ['aws:assumeRoles: "[{roleArn: x" is invalid: must be JSON (a YAML list or map)'],
    });
  });
});

describe("pinning the management-account providers", () => {
  it("pins allowedAccountIds to the management account and keeps every other setting", () => {
    expect(pinned({ profile: "org-management", assumeRoles: ASSUME_ROLES })).to.deep.equal({
      profile: "org-management",
      assumeRoles: ASSUME_ROLES,
      allowedAccountIds: [MANAGEMENT],
    });
    expect(pinned({})).to.deep.equal({ allowedAccountIds: [MANAGEMENT] });
  });

  it("narrows the stack's own allow list to the management account", () => {
    expect(pinned({ allowedAccountIds: ["222222222222", MANAGEMENT] }).allowedAccountIds).to.deep.equal([
      MANAGEMENT,
    ]);
  });

  it("drops a forbid list without the management account: the provider refuses it beside an allow list", () => {
    expect(pinned({ forbiddenAccountIds: ["222222222222"], profile: "p" })).to.deep.equal({
      profile: "p",
      allowedAccountIds: [MANAGEMENT],
    });
  });

  it("refuses an allow list without the management account, in one line", () => {
    expect(pinErrors({ allowedAccountIds: ["222222222222"] })).to.deep.equal([
      'aws:allowedAccountIds: ["222222222222"] is invalid: does not hold the organisation\'s management account ' +
        "111111111111, where the includeManagementAccount stacks deploy",
    ]);
  });

  it("compares account ids written as YAML numbers as text", () => {
    expect(pinErrors({ allowedAccountIds: [111111111111 as unknown as string] })).to.deep.equal([]);
  });

  it("refuses a forbid list holding the management account", () => {
    expect(pinErrors({ forbiddenAccountIds: [MANAGEMENT] })).to.deep.equal([
      'aws:forbiddenAccountIds: ["111111111111"] is invalid: holds the organisation\'s management account ' +
        "111111111111, where the includeManagementAccount stacks deploy",
    ]);
  });

  it("refuses skipRequestingAccountId, without which the pin cannot be checked", () => {
    const errors = pinErrors({ skipRequestingAccountId: true });
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^aws:skipRequestingAccountId: true is invalid: .* pinned to 111111111111/);
    expect(pinErrors({ skipRequestingAccountId: false })).to.deep.equal([]);
  });
});

describe("secret aws: settings stay secret in the management-account providers", () => {
  const PROXY = "http://deploy:hunter2@proxy.example.com:3128";

  /** What readManagementProviderArgs gives on the mock runtime: each setting's value and whether it is secret. */
  async function readOnMocks(config: Record<string, string>, secretKeys: string[]) {
    const read: Record<string, { value: unknown; secret: boolean }> = {};
    await runOnMocks(
      async () => {
        const args = (await readManagementProviderArgs()) as Record<string, unknown>;
        for (const [key, value] of Object.entries(args)) {
          const output = pulumi.output(value) as pulumi.Output<unknown>;
          read[key] = {
            value: await new Promise((resolve) => output.apply(resolve)),
            secret: await pulumi.isSecret(output),
          };
        }
        return {};
      },
      {
        stack: "test",
        config,
        secretKeys,
        invokes: { [GET_ORGANIZATION_INVOKE]: () => ({ masterAccountId: MANAGEMENT }) },
      },
    );
    return read;
  }

  it("a secret aws:assumeRoles (its external id) and a secret aws:httpsProxy become secret Outputs, the rest stays plain", async () => {
    const read = await readOnMocks(
      {
        "aws:region": "eu-west-1",
        "aws:profile": "org-management",
        "aws:assumeRoles": JSON.stringify(ASSUME_ROLES),
        "aws:httpsProxy": PROXY,
      },
      ["aws:assumeRoles", "aws:httpsProxy"],
    );
    expect(read).to.deep.equal({
      profile: { value: "org-management", secret: false },
      assumeRoles: { value: ASSUME_ROLES, secret: true },
      httpsProxy: { value: PROXY, secret: true },
      allowedAccountIds: { value: [MANAGEMENT], secret: false },
    });
  });

  it("nothing is secret when the stack holds no secret", async () => {
    const read = await readOnMocks({ "aws:assumeRoles": JSON.stringify(ASSUME_ROLES) }, []);
    expect(read.assumeRoles).to.deep.equal({ value: ASSUME_ROLES, secret: false });
  });
});
