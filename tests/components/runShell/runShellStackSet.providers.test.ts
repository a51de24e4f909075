// The management account's providers on the mock runtime: an explicit provider reads none of the stack's aws:
// config, so the program must hand each one the stack's settings itself.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import runEntry from "../../../index";
import { runOnMocks, type DeclaredResource } from "../../../synth/mockRuntime";
import { OFFLINE_MANAGEMENT_ACCOUNT_ID, offlineInvokes } from "../../../synth/synth";
import {
  AWS_PROVIDER,
  MANAGEMENT_ACCOUNT_ID,
  ofType,
  prodConfigWith,
  refusal,
  runStack,
  STACK,
} from "../../support/runShell";

const PROD_REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"];
const ASSUME_ROLES = [
  { roleArn: "arn:aws:iam::111111111111:role/ssm-runas-deployer", sessionName: "ssm-runas-sync" },
  { roleArn: "arn:aws:iam::111111111111:role/ssm-runas-second-hop", externalId: "hop-2" },
];

/** The prod stack with credentials set in its aws: config, as a stack file would set them. */
const withCredentials = (aws: Record<string, string>) => ({
  ...prodConfigWith({}),
  "aws:region": "eu-west-1",
  "aws:profile": "org-management",
  "aws:assumeRoles": JSON.stringify(ASSUME_ROLES),
  ...aws,
});

/** A provider's inputs as the engine gets them: structured arguments arrive as JSON text. */
const decoded = (provider: DeclaredResource) =>
  Object.fromEntries(
    Object.entries(provider.inputs).map(([key, value]) => {
      if (typeof value !== "string") return [key, value];
      try {
        return [key, JSON.parse(value)];
      } catch {
        return [key, value];
      }
    }),
  );

describe("RunShellStackSet's management-account providers on the mock runtime", () => {
  it("carry the stack's aws:profile and aws:assumeRoles, each with its own region and the pinned account", async () => {
    const run = await runStack(withCredentials({}));
    const providers = ofType(run.resources, AWS_PROVIDER);
    expect(providers).to.have.length(PROD_REGIONS.length);
    expect(providers.map((p) => p.inputs.region)).to.have.members(PROD_REGIONS);
    for (const provider of providers) {
      expect(decoded(provider), provider.name).to.deep.include({
        profile: "org-management",
        assumeRoles: ASSUME_ROLES,
        allowedAccountIds: [MANAGEMENT_ACCOUNT_ID],
      });
    }
    for (const stack of ofType(run.resources, STACK)) {
      const provider = providers.find((p) => p.name === run.providerOf.get(stack.name))!;
      expect(stack.name).to.equal(`runshell-management-${provider.inputs.region}`);
    }
    expect(run.organizationReads).to.equal(1);
  });

  it("carry the other settings the stack's aws: config holds, and the stack's forbid list not beside the pin", async () => {
    const run = await runStack(
      withCredentials({
        "aws:sharedConfigFiles": '["/etc/ssm-runas/aws-config"]',
        "aws:sharedCredentialsFiles": '["/etc/ssm-runas/aws-credentials"]',
        "aws:endpoints": '[{"sts":"https://sts.eu-west-1.amazonaws.com"}]',
        "aws:forbiddenAccountIds": '["222222222222"]',
        "aws:retryMode": "adaptive",
      }),
    );
    for (const provider of ofType(run.resources, AWS_PROVIDER)) {
      const inputs = decoded(provider);
      expect(inputs, provider.name).to.deep.include({
        sharedConfigFiles: ["/etc/ssm-runas/aws-config"],
        sharedCredentialsFiles: ["/etc/ssm-runas/aws-credentials"],
        endpoints: [{ sts: "https://sts.eu-west-1.amazonaws.com" }],
        retryMode: "adaptive",
        allowedAccountIds: [MANAGEMENT_ACCOUNT_ID],
      });
      expect(inputs.forbiddenAccountIds, provider.name).to.equal(undefined);
    }
  });

  it("refuse, declaring nothing, a stack whose aws:allowedAccountIds leaves the management account out", async () => {
    const { error, constructed } = await refusal(
      withCredentials({ "aws:allowedAccountIds": '["222222222222"]' }),
    );
    expect(error).to.be.instanceOf(pulumi.RunError);
    expect((error as Error).message).to.equal(
      'aws:allowedAccountIds: ["222222222222"] is invalid: does not hold the organisation\'s management account ' +
        `${MANAGEMENT_ACCOUNT_ID}, where the includeManagementAccount stacks deploy`,
    );
    expect(constructed).to.equal(0);
  });

  it("are not declared, nor the organisation read, without includeManagementAccount", async () => {
    const run = await runStack({
      ...withCredentials({}),
      ...prodConfigWith({ includeManagementAccount: false }),
    });
    expect(ofType(run.resources, AWS_PROVIDER)).to.deep.equal([]);
    expect(run.organizationReads).to.equal(0);
  });

  it("are pinned to an obvious placeholder by the offline synth", async () => {
    const { resources } = await runOnMocks(runEntry, {
      stack: "prod",
      config: withCredentials({}),
      invokes: offlineInvokes({}),
    });
    expect(OFFLINE_MANAGEMENT_ACCOUNT_ID).to.equal("000000000000");
    const providers = ofType(resources, AWS_PROVIDER);
    expect(providers).to.have.length(PROD_REGIONS.length);
    for (const provider of providers) {
      expect(decoded(provider).allowedAccountIds).to.deep.equal([OFFLINE_MANAGEMENT_ACCOUNT_ID]);
    }
  });
});
