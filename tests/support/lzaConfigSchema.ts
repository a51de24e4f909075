// JSON Schemas (draft-07) for the parts of LZA's configuration files the export writes, derived from LZA's
// TypeScript config types at release v1.15.5 (landing-zone-accelerator-on-aws, commit
// 61bba812ce71472684bb7c07f60f1e7100b18cc9, under source/packages/@aws-accelerator/config/lib/):
//   models/customizations-config.ts  ICustomizationsConfig.customizations → ICustomizationConfig.cloudFormationStackSets
//                                    → ICloudFormationStackSet (name, regions, template, deploymentTargets required;
//                                    capabilities from CapabilityTypeEnum)
//   models/organization-config.ts    IOrganizationConfig.serviceControlPolicies → IServiceControlPolicyConfig (name,
//                                    description, policy, type, deploymentTargets required; type awsManaged or
//                                    customerManaged; strategy deny-list or allow-list)
//   common/types.ts                  IDeploymentTargets, ICfnParameter, IOperationPreferences, NonEmptyString
// Every object is closed (additionalProperties: false), as in LZA's own generated schemas, so a misspelt key fails.
// The files the export writes are fragments to merge into a configuration repository: the schemas describe the
// fragment, not the whole file (whose other required keys, such as organizationalUnits, are the repository's).

const nonEmptyString = { type: "string", minLength: 1 };
const strings = { type: "array", items: { type: "string" } };

const deploymentTargets = {
  type: "object",
  additionalProperties: false,
  properties: {
    organizationalUnits: strings,
    accounts: strings,
    excludedRegions: strings,
    excludedAccounts: strings,
  },
};

const cfnParameter = {
  type: "object",
  additionalProperties: false,
  required: ["name", "value"],
  properties: { name: { type: "string" }, value: { type: "string" } },
};

const operationPreferences = {
  type: "object",
  additionalProperties: false,
  properties: {
    failureToleranceCount: { type: "number" },
    failureTolerancePercentage: { type: "number" },
    maxConcurrentCount: { type: "number" },
    maxConcurrentPercentage: { type: "number" },
    regionConcurrencyType: { type: "string" },
    regionOrder: strings,
  },
};

const cloudFormationStackSet = {
  type: "object",
  additionalProperties: false,
  required: ["deploymentTargets", "name", "regions", "template"],
  properties: {
    capabilities: {
      type: "array",
      items: { type: "string", enum: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"] },
    },
    deploymentTargets,
    description: nonEmptyString,
    name: nonEmptyString,
    regions: strings,
    template: nonEmptyString,
    parameters: { type: "array", items: cfnParameter },
    operationPreferences,
    dependsOn: strings,
    administrationRoleArn: { type: "string" },
    executionRoleName: { type: "string" },
  },
};

/** The customizations-config.yaml fragment: `customizations.cloudFormationStackSets`. */
export const CUSTOMIZATIONS_FRAGMENT_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["customizations"],
  properties: {
    customizations: {
      type: "object",
      additionalProperties: false,
      required: ["cloudFormationStackSets"],
      properties: { cloudFormationStackSets: { type: "array", items: cloudFormationStackSet } },
    },
  },
};

const serviceControlPolicy = {
  type: "object",
  additionalProperties: false,
  required: ["name", "description", "policy", "type", "deploymentTargets"],
  properties: {
    name: nonEmptyString,
    description: nonEmptyString,
    policy: nonEmptyString,
    type: { type: "string", enum: ["awsManaged", "customerManaged"] },
    strategy: { type: "string", enum: ["deny-list", "allow-list"] },
    deploymentTargets,
  },
};

/** The organization-config.yaml fragment: `serviceControlPolicies`. */
export const ORGANIZATION_FRAGMENT_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["serviceControlPolicies"],
  properties: { serviceControlPolicies: { type: "array", items: serviceControlPolicy } },
};
