import { expect } from "chai";
import {
  DEFAULT_ENABLED_REGIONS,
  isOptInRegion,
  knownRegion,
  regionPartition,
  regionProblem,
  STACK_PARTITION,
} from "../../config/regions";
import { INSTANCE_ARN_PATTERN } from "../../policypack/rules/values";

describe("region names, from the AWS SDK's partition data", () => {
  it("accepts every region enabled by default, none of them opt-in, each listed in the aws partition", () => {
    expect(DEFAULT_ENABLED_REGIONS).to.have.length(17);
    for (const name of DEFAULT_ENABLED_REGIONS) {
      expect(regionProblem(name), name).to.equal(undefined);
      expect(isOptInRegion(name), name).to.equal(false);
      expect(knownRegion(name)?.partition, name).to.equal("aws");
    }
  });

  it("refuses a typo: a name of a region's shape that the partition data does not list", () => {
    for (const name of ["eu-west-9", "us-east-3", "eu-wset-1", "moon-1", "EU-WEST-1", ""]) {
      expect(regionProblem(name), name).to.match(/^not an AWS region: the AWS SDK's partition data lists no/);
    }
  });

  it("refuses a partition's global endpoint, which the data lists but is no region", () => {
    for (const name of ["aws-global", "aws-cn-global", "aws-us-gov-global"]) {
      expect(knownRegion(name), name).to.equal(undefined);
      expect(regionProblem(name), name).to.match(/^not an AWS region/);
    }
  });

  it("allows an opt-in region and says it is one", () => {
    for (const name of [
      "af-south-1",
      "ap-east-1",
      "eu-south-2",
      "me-central-1",
      "il-central-1",
      "mx-central-1",
    ]) {
      expect(regionProblem(name), name).to.equal(undefined);
      expect(isOptInRegion(name), name).to.equal(true);
    }
    expect(knownRegion("af-south-1")).to.deep.equal({
      name: "af-south-1",
      partition: "aws",
      description: "Africa (Cape Town)",
    });
  });

  it("refuses a region of another partition, naming both partitions", () => {
    expect(regionProblem("cn-north-1")).to.equal(
      "a region of the aws-cn partition (China (Beijing)), but the stack is in the aws partition " +
        "(identityCenterInstanceArn arn:aws:…): its accounts cannot reach another partition's regions",
    );
    expect(regionProblem("us-gov-west-1")).to.match(/^a region of the aws-us-gov partition \(AWS GovCloud/);
    expect(regionProblem("eusc-de-east-1")).to.match(/^a region of the aws-eusc partition/);
    expect(isOptInRegion("cn-north-1")).to.equal(false);
  });

  it("takes the stack's partition from the instance ARNs the config admits", () => {
    const arn = (partition: string) => `arn:${partition}:sso:::instance/ssoins-6804a3c7d1e2f5b9`;
    expect(INSTANCE_ARN_PATTERN.test(arn(STACK_PARTITION))).to.equal(true);
    for (const other of ["aws-cn", "aws-us-gov", "aws-iso"]) {
      expect(INSTANCE_ARN_PATTERN.test(arn(other)), other).to.equal(false);
    }
  });

  it("places a region in its partition by the SDK's patterns, even one newer than the SDK", () => {
    expect(regionPartition("eu-west-1")).to.equal("aws");
    expect(regionPartition("cn-northwest-1")).to.equal("aws-cn");
    expect(regionPartition("us-gov-east-1")).to.equal("aws-us-gov");
    expect(regionPartition("us-isob-east-1")).to.equal("aws-iso-b");
    expect(regionPartition("us-isof-south-1")).to.equal("aws-iso-f");
    expect(regionPartition("eu-isoe-west-1")).to.equal("aws-iso-e");
    expect(regionPartition("cn-south-7")).to.equal("aws-cn");
    expect(regionPartition("us-gov-central-9")).to.equal("aws-us-gov");
  });
});
