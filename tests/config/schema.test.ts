import { expect } from "chai";
import { rawConfigFromPulumi } from "../../config/pulumiConfig";
import { DEFAULT_ENABLED_REGIONS } from "../../config/regions";
import { parseStackConfig, type RawStackConfig } from "../../config/schema";
import { EXAMPLE_STACKS, exampleRawConfig } from "../support/exampleStacks";

const valid = (): RawStackConfig => exampleRawConfig("dev");

function errorsFor(raw: RawStackConfig): string[] {
  const result = parseStackConfig(raw);
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.errors;
}

/** Exactly one error line, naming the key and the value, and stating the rule. */
function expectOneError(raw: RawStackConfig, key: string, value: string, rule: RegExp) {
  const errors = errorsFor(raw);
  expect(errors, errors.join("\n")).to.have.length(1);
  expect(errors[0]).to.contain(`ssm-runas-sync:${key}`);
  expect(errors[0]).to.contain(value);
  expect(errors[0]).to.match(rule);
  expect(errors[0]).not.to.contain("\n");
}

const attribute = (key: string, source: string) => ({ key, source });

describe("stack config", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`accepts the example stack ${stack} without warnings`, () => {
      const result = parseStackConfig(exampleRawConfig(stack));
      expect(result.ok, result.ok ? "" : result.errors.join("\n")).to.equal(true);
      expect(result.warnings).to.deep.equal([]);
    });
  }

  it("fills the documented defaults", () => {
    const raw = valid();
    for (const key of [
      "identitySource",
      "importExistingAbac",
      "organizationalUnitOverrides",
      "stackSetCallAs",
    ]) {
      delete raw[key];
    }
    delete raw.includeManagementAccount;
    delete raw.onDelete;
    delete raw.scpExceptionPrincipalArns;
    const result = parseStackConfig(raw);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config).to.include({
      identitySource: "scim",
      importExistingAbac: false,
      stackSetCallAs: "SELF",
      includeManagementAccount: false,
      onDelete: "retain",
    });
    expect(result.config.organizationalUnitOverrides).to.deep.equal({});
    expect(result.config.scpExceptionPrincipalArns).to.deep.equal([]);
    expect(result.config.stackSetExecutionRoleArnPattern).to.equal("arn:aws:iam::*:role/stacksets-exec-*");
  });

  describe("rejects", () => {
    it("a missing required key", () => {
      const raw = valid();
      delete raw.runAsDefaultUser;
      expectOneError(raw, "runAsDefaultUser", "(not set)", /required/);
    });

    it("an unknown key in the namespace (a typo would otherwise be ignored)", () => {
      expectOneError({ ...valid(), onDelte: "restore" }, "onDelte", '"restore"', /unknown key/);
    });

    it("an instance ARN of the wrong shape", () => {
      expectOneError(
        { ...valid(), identityCenterInstanceArn: "arn:aws:sso:::instance/ssoins-short" },
        "identityCenterInstanceArn",
        "ssoins-short",
        /arn:aws:sso:::instance\/\(sso\)\?ins-/,
      );
    });

    it("an identity source other than scim or ad", () => {
      expectOneError({ ...valid(), identitySource: "saml" }, "identitySource", '"saml"', /scim .* or ad/);
    });

    it("an empty attribute list", () => {
      expectOneError({ ...valid(), accessControlAttributes: [] }, "accessControlAttributes", "[]", /1-50/);
    });

    it("more than 50 attributes", () => {
      const attributes = [attribute("SSMSessionRunAs", "${path:userName}")];
      for (let i = 0; i < 50; i++) attributes.push(attribute(`Extra${i}`, "${path:title}"));
      expectOneError(
        { ...valid(), accessControlAttributes: attributes },
        "accessControlAttributes",
        "SSMSessionRunAs",
        /1-50/,
      );
    });

    it("a list without SSMSessionRunAs", () => {
      expectOneError(
        { ...valid(), accessControlAttributes: [attribute("CostCenter", "${path:enterprise.costCenter}")] },
        "accessControlAttributes",
        "CostCenter",
        /exactly one key SSMSessionRunAs/,
      );
    });

    it("ssmsessionrunas in the wrong casing, saying so", () => {
      expectOneError(
        { ...valid(), accessControlAttributes: [attribute("ssmsessionrunas", "${path:userName}")] },
        "accessControlAttributes[0].key",
        '"ssmsessionrunas"',
        /spelled exactly SSMSessionRunAs/,
      );
    });

    it("SSMSessionRunAs twice", () => {
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${path:userName}"),
            attribute("SSMSessionRunAs", "${path:nickName}"),
          ],
        },
        "accessControlAttributes[1].key",
        '"SSMSessionRunAs"',
        /duplicate key/,
      );
    });

    it("keys that differ only in case (session tag keys are case-insensitive)", () => {
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${path:userName}"),
            attribute("Team", "${path:title}"),
            attribute("TEAM", "${path:title}"),
          ],
        },
        "accessControlAttributes[2].key",
        '"TEAM"',
        /duplicate key .*case-insensitively/,
      );
    });

    it("a key longer than 128 characters", () => {
      const key = "K".repeat(129);
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${path:userName}"),
            attribute(key, "${path:title}"),
          ],
        },
        "accessControlAttributes[1].key",
        key.slice(0, 50),
        /1-128 characters/,
      );
    });

    it("an empty key", () => {
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${path:userName}"),
            attribute("", "${path:title}"),
          ],
        },
        "accessControlAttributes[1].key",
        '""',
        /1-128 characters/,
      );
    });

    it("a source longer than 256 characters", () => {
      const source = `\${path:${"a".repeat(250)}}`;
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${path:userName}"),
            attribute("Long", source),
          ],
        },
        "accessControlAttributes[1].source",
        "${path:aaaa",
        /0-256 characters/,
      );
    });

    it("more than one source for an attribute", () => {
      expectOneError(
        {
          ...valid(),
          accessControlAttributes: [
            { key: "SSMSessionRunAs", source: ["${path:userName}", "${path:nickName}"] },
          ],
        },
        "accessControlAttributes[0].source",
        '["${path:userName}","${path:nickName}"]',
        /a single source per attribute/,
      );
    });

    it("an empty SSMSessionRunAs source", () => {
      expectOneError(
        { ...valid(), accessControlAttributes: [attribute("SSMSessionRunAs", "")] },
        "accessControlAttributes[0].source",
        '""',
        /non-empty source/,
      );
    });

    it("an AD-style source when identitySource is scim", () => {
      expectOneError(
        {
          ...valid(),
          identitySource: "scim",
          accessControlAttributes: [attribute("SSMSessionRunAs", "${samaccountname}")],
        },
        "accessControlAttributes[0].source",
        '"${samaccountname}"',
        /identitySource scim takes \$\{path:\.\.\.\}/,
      );
    });

    it("a ${path:…} source when identitySource is ad", () => {
      expectOneError(
        {
          ...valid(),
          identitySource: "ad",
          accessControlAttributes: [attribute("SSMSessionRunAs", "${path:userName}")],
        },
        "accessControlAttributes[0].source",
        '"${path:userName}"',
        /identitySource ad takes \$\{attribute\}/,
      );
    });

    it("mixed source syntaxes in one list", () => {
      expectOneError(
        {
          ...valid(),
          identitySource: "ad",
          accessControlAttributes: [
            attribute("SSMSessionRunAs", "${samaccountname}"),
            attribute("Dept", "${path:enterprise.department}"),
          ],
        },
        "accessControlAttributes[1].source",
        "enterprise.department",
        /identitySource ad/,
      );
    });

    it("importExistingAbac that is not a boolean", () => {
      expectOneError(
        { ...valid(), ...rawConfigFromPulumi({ "ssm-runas-sync:importExistingAbac": "yes" }) },
        "importExistingAbac",
        '"yes"',
        /boolean/,
      );
    });

    for (const [user, rule] of [
      ["root", /root is refused/],
      ["Admin", /Linux user name/],
      ["9lives", /Linux user name/],
      ["a".repeat(33), /Linux user name/],
      ["ec2 user", /Linux user name/],
    ] as const) {
      it(`runAsDefaultUser ${JSON.stringify(user)}`, () => {
        expectOneError(
          { ...valid(), runAsDefaultUser: user },
          "runAsDefaultUser",
          JSON.stringify(user),
          rule,
        );
      });
    }

    it("an override for something that is not an OU id", () => {
      expectOneError(
        { ...valid(), organizationalUnitOverrides: { "r-x7k2": "ops" } },
        "organizationalUnitOverrides.r-x7k2",
        '"r-x7k2"',
        /OU ids/,
      );
    });

    it("an override user that is not a valid Linux user", () => {
      expectOneError(
        { ...valid(), organizationalUnitOverrides: { "ou-x7k2-aaaabbbb": "root" } },
        "organizationalUnitOverrides.ou-x7k2-aaaabbbb",
        '"root"',
        /root is refused/,
      );
    });

    it("an override OU that is also a default deployment target", () => {
      const raw = valid();
      const ou = (raw.deploymentTargets as string[])[0];
      expectOneError(
        { ...raw, organizationalUnitOverrides: { [ou]: "ops" } },
        `organizationalUnitOverrides.${ou}`,
        ou,
        /overlap/,
      );
    });

    for (const key of ["deploymentTargets", "scpTargets"]) {
      it(`${key} with a malformed id`, () => {
        expectOneError(
          { ...valid(), [key]: ["ou-x7k2"] },
          `${key}[0]`,
          '"ou-x7k2"',
          /root id \(r-xxxx\) or an OU id/,
        );
      });

      it(`${key} with a repeated id`, () => {
        expectOneError({ ...valid(), [key]: ["r-x7k2", "r-x7k2"] }, `${key}[1]`, '"r-x7k2"', /listed twice/);
      });

      it(`${key} empty`, () => {
        expectOneError({ ...valid(), [key]: [] }, key, "[]", /at least one/);
      });
    }

    it("a region name that does not exist in that shape", () => {
      expectOneError(
        { ...valid(), regions: ["eu-west-1", "europe-1"] },
        "regions[1]",
        '"europe-1"',
        /not an AWS region/,
      );
    });

    it("a region of the right shape that AWS's partition data does not list: one line naming the key", () => {
      expect(errorsFor({ ...valid(), regions: ["eu-west-9"] })).to.deep.equal([
        'ssm-runas-sync:regions[0]: "eu-west-9" is invalid: not an AWS region: the AWS SDK\'s partition data ' +
          "lists no region of that name (a typo, or a region newer than the installed @aws-sdk/core)",
      ]);
    });

    for (const [name, partition] of [
      ["cn-north-1", "aws-cn"],
      ["us-gov-west-1", "aws-us-gov"],
    ]) {
      it(`a region of another partition: ${name}`, () => {
        expectOneError(
          { ...valid(), regions: ["eu-west-1", name] },
          "regions[1]",
          `"${name}"`,
          new RegExp(`a region of the ${partition} partition .*, but the stack is in the aws partition`),
        );
      });
    }

    it("an exception principal that is not a role ARN", () => {
      expectOneError(
        { ...valid(), scpExceptionPrincipalArns: ["arn:aws:iam::*:user/deployer"] },
        "scpExceptionPrincipalArns[0]",
        "user/deployer",
        /IAM role ARN pattern/,
      );
    });

    for (const pattern of ["arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/*"]) {
      it(`an exception principal that exempts every role: ${pattern}`, () => {
        expectOneError(
          { ...valid(), scpExceptionPrincipalArns: [pattern] },
          "scpExceptionPrincipalArns[0]",
          pattern,
          /exempts every role/,
        );
      });
    }

    // The same rules as scpExceptionPrincipalArns: this pattern is exempt from every statement of the SCP.
    for (const [pattern, rule] of [
      ["arn:aws:iam::*:user/AWSCloudFormationStackSetExecutionRole", /IAM role ARN pattern/],
      ["arn:aws:iam::*:role/*", /exempts every role/],
    ] as const) {
      it(`a StackSet execution role pattern ${pattern}`, () => {
        expectOneError(
          { ...valid(), stackSetExecutionRoleArnPattern: pattern },
          "stackSetExecutionRoleArnPattern",
          pattern,
          rule,
        );
      });
    }

    it("stackSetCallAs other than SELF or DELEGATED_ADMIN", () => {
      expectOneError(
        { ...valid(), stackSetCallAs: "delegated" },
        "stackSetCallAs",
        '"delegated"',
        /SELF or DELEGATED_ADMIN/,
      );
    });

    it("includeManagementAccount that is not a boolean", () => {
      expectOneError(
        { ...valid(), includeManagementAccount: "sure" },
        "includeManagementAccount",
        '"sure"',
        /boolean/,
      );
    });

    it("onDelete other than retain or restore", () => {
      expectOneError({ ...valid(), onDelete: "delete" }, "onDelete", '"delete"', /retain or restore/);
    });

    it("reports every bad value at once, one line each", () => {
      const errors = errorsFor({
        ...valid(),
        runAsDefaultUser: "root",
        onDelete: "delete",
        regions: ["mars-1"],
      });
      expect(errors).to.have.length(3);
      expect(errors.map((line) => line.split(":")[1])).to.have.members([
        "runAsDefaultUser",
        "onDelete",
        "regions[0]",
      ]);
    });
  });

  describe("warns", () => {
    it("on a ${path:…} IdC does not document for ABAC, without rejecting it", () => {
      const result = parseStackConfig({
        ...valid(),
        accessControlAttributes: [attribute("SSMSessionRunAs", "${path:enterprise.sAMAccountName}")],
      });
      expect(result.ok).to.equal(true);
      expect(result.warnings).to.have.length(1);
      expect(result.warnings[0]).to.contain("ssm-runas-sync:accessControlAttributes[0].source");
      expect(result.warnings[0]).to.contain("enterprise.sAMAccountName");
    });

    it("on an opt-in region, accepting it", () => {
      const result = parseStackConfig({ ...valid(), regions: ["eu-west-1", "af-south-1"] });
      expect(result.ok).to.equal(true);
      expect(result.warnings).to.have.length(1);
      expect(result.warnings[0]).to.match(
        /^ssm-runas-sync:regions\[1\]: "af-south-1" \(Africa \(Cape Town\)\) is an opt-in region: /,
      );
      expect(result.warnings[0]).not.to.contain("\n");
    });

    it("on no region enabled by default", () => {
      const result = parseStackConfig({ ...valid(), regions: [...DEFAULT_ENABLED_REGIONS] });
      expect(result.ok && result.warnings).to.deep.equal([]);
    });

    it("not on documented paths", () => {
      const result = parseStackConfig({
        ...valid(),
        accessControlAttributes: [
          attribute("SSMSessionRunAs", "${path:userName}"),
          attribute("Email", "${path:emails[primary eq true].value}"),
          attribute("City", '${path:addresses[type eq "work"].locality}'),
        ],
      });
      expect(result.ok && result.warnings).to.deep.equal([]);
    });
  });

  describe("reading Pulumi config", () => {
    it("decodes structured values and leaves strings alone", () => {
      const raw = rawConfigFromPulumi({
        "ssm-runas-sync:runAsDefaultUser": "true",
        "ssm-runas-sync:includeManagementAccount": "true",
        "ssm-runas-sync:regions": '["eu-west-1"]',
        "aws:region": "eu-west-1",
      });
      expect(raw).to.deep.equal({
        runAsDefaultUser: "true",
        includeManagementAccount: true,
        regions: ["eu-west-1"],
      });
    });
  });
});
