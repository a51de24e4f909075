// `ssm-runas abac describe`: moto has no ABAC API (DescribeInstanceAccessControlAttributeConfiguration), so the
// live configuration comes from aws-sdk-client-mock; the printed block goes through the real stack-file reader,
// config schema and program (synth) to prove the import would see no diff.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  ResourceNotFoundException,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { parse, stringify } from "yaml";
import { rawConfigFromPulumi } from "../../../config/pulumiConfig";
import { parseStackConfig } from "../../../config/schema";
import { readStackConfig } from "../../../synth/stackFiles";
import { synth } from "../../../synth/synth";
import { REPO_ROOT } from "../../support/cli";
import { runCliInProcess } from "../../support/cliInProcess";

const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
const ENV = { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "t", AWS_SECRET_ACCESS_KEY: "t" };
const LIVE_ATTRIBUTES = [
  { Key: "SSMSessionRunAs", Value: { Source: ["${path:enterprise.employeeNumber}"] } },
  { Key: "CostCenter", Value: { Source: ["${path:enterprise.costCenter}"] } },
  { Key: "Office", Value: { Source: ['${path:addresses[type eq "work"].locality}'] } },
  { Key: "Email", Value: { Source: ["${path:emails[primary eq true].value}"] } },
];

describe("ssm-runas abac describe (aws-sdk-client-mock for the ABAC call moto lacks)", function () {
  this.timeout(60_000);
  let ssoAdmin: AwsClientStub<SSOAdminClient>;
  const describeAbac = (answer: object | Error) => {
    const stub = ssoAdmin.on(DescribeInstanceAccessControlAttributeConfigurationCommand, {
      InstanceArn: INSTANCE_ARN,
    });
    if (answer instanceof Error) stub.rejects(answer);
    else stub.resolves(answer);
  };

  // Installed per test and removed after it: other suites use the real client.
  beforeEach(() => (ssoAdmin = mockClient(SSOAdminClient)));
  afterEach(() => ssoAdmin.restore());

  it("prints the block that, pasted into Pulumi.<stack>.yaml, declares exactly the live configuration", async () => {
    describeAbac({
      Status: "ENABLED",
      InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: LIVE_ATTRIBUTES },
    });
    const result = await runCliInProcess(["abac", "describe", "--instance-arn", INSTANCE_ARN], ENV);
    expect([result.code, result.stderr]).to.deep.equal([0, ""]);

    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-abac-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      delete dev.config["ssm-runas-sync:accessControlAttributes"];
      dev.config["ssm-runas-sync:identityCenterInstanceArn"] = INSTANCE_ARN;
      dev.config["ssm-runas-sync:importExistingAbac"] = true;
      // The operator's step: paste the printed block under `config:`.
      fs.writeFileSync(path.join(projectDir, "Pulumi.imported.yaml"), stringify(dev) + result.stdout);

      const parsed = parseStackConfig(rawConfigFromPulumi(readStackConfig(projectDir, "imported")));
      expect(parsed.ok, JSON.stringify(parsed)).to.equal(true);

      const out = path.join(projectDir, "out");
      const rendered = await synth({ stack: "imported", projectDir, out });
      const abac = rendered.files.find(({ file }) => file === "abac.json");
      expect(abac, rendered.errors.join("\n")).to.not.equal(undefined);
      expect(JSON.parse(abac!.content)).to.deep.equal({
        InstanceArn: INSTANCE_ARN,
        AccessControlAttributes: LIVE_ATTRIBUTES,
      });
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("says plainly that ABAC is not enabled and exits 1", async () => {
    describeAbac(new ResourceNotFoundException({ message: "not found", $metadata: {} }));
    const result = await runCliInProcess(["abac", "describe", "--instance-arn", INSTANCE_ARN], ENV);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.equal(
      `attributes for access control (ABAC) are not enabled on ${INSTANCE_ARN}.\n` +
        "There is nothing to import: set importExistingAbac: false and the stack creates the configuration.\n",
    );
  });

  it("treats a configuration still being created as not enabled", async () => {
    describeAbac({ Status: "CREATION_IN_PROGRESS" });
    const result = await runCliInProcess(["abac", "describe", "--instance-arn", INSTANCE_ARN], ENV);
    expect(result.code).to.equal(1);
    expect(result.stderr.split("\n")[0]).to.equal(
      `attributes for access control (ABAC) on ${INSTANCE_ARN} are CREATION_IN_PROGRESS.`,
    );
  });

  it("prints the block but warns when the live configuration lacks SSMSessionRunAs", async () => {
    describeAbac({
      Status: "ENABLED",
      InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: LIVE_ATTRIBUTES.slice(1) },
    });
    const result = await runCliInProcess(["abac", "describe", "--instance-arn", INSTANCE_ARN], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^ {2}ssm-runas-sync:accessControlAttributes:\n {4}- key: CostCenter\n/);
    expect(result.stderr).to.match(/^note: the live configuration does not map SSMSessionRunAs/);
  });
});
