// Reading the RunShell StackSet's instances. moto 5.2.1 answers ListStackInstances with every instance CURRENT and
// SUCCEEDED, no StatusReason, in one page, and ignores CallAs (audit.report.test.ts joins those against moto).
// The faults it cannot produce — a FAILED or OUTDATED instance with its reason, more than one page — are answered
// here with aws-sdk-client-mock, in the response shape the CloudFormation API reference gives for
// StackInstanceSummary (Account, Region, Status, StatusReason, StackInstanceStatus.DetailedStatus).
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  CloudFormationClient,
  ListStackInstancesCommand,
  type ListStackInstancesCommandInput,
} from "@aws-sdk/client-cloudformation";
import { readStackInstances } from "../../../cli/aws/stackInstances";
import { indexStackInstances, stackInstanceOf } from "../../../cli/stackInstances";

const STACK_SET_ID = "ssm-runas-sync-runshell:2f1c7e9a-0b3d-4e5f-8a6b-1c2d3e4f5a6b";

describe("readStackInstances (aws-sdk-client-mock: moto has no failed instances)", () => {
  let cloudFormation: AwsClientStub<CloudFormationClient>;
  const asked: ListStackInstancesCommandInput[] = [];

  beforeEach(() => {
    asked.splice(0);
    cloudFormation = mockClient(CloudFormationClient);
  });
  afterEach(() => cloudFormation.restore());

  it("reads every page as the caller is (callAs), with each instance's status and reason", async () => {
    cloudFormation.on(ListStackInstancesCommand).callsFake((input: ListStackInstancesCommandInput) => {
      // The paginator reuses its input object: keep what each call asked.
      asked.push({ ...input });
      if (input.NextToken === undefined) {
        return {
          Summaries: [
            {
              StackSetId: STACK_SET_ID,
              Region: "eu-west-1",
              Account: "111111111111",
              StackId:
                "arn:aws:cloudformation:eu-west-1:111111111111:stack/StackSet-ssm-runas-sync-runshell-1/x",
              Status: "OUTDATED",
              StatusReason:
                "ResourceLogicalId:WriterRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:User: arn:aws:sts::111111111111:assumed-role/stacksets-exec-1/x is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy.",
              StackInstanceStatus: { DetailedStatus: "FAILED" },
              OrganizationalUnitId: "ou-aaaa-11111111",
              DriftStatus: "NOT_CHECKED",
            },
          ],
          NextToken: "page-2",
        };
      }
      return {
        Summaries: [
          {
            StackSetId: STACK_SET_ID,
            Region: "us-east-1",
            Account: "111111111111",
            Status: "OUTDATED",
            StackInstanceStatus: { DetailedStatus: "RUNNING" },
            OrganizationalUnitId: "ou-aaaa-11111111",
          },
          {
            StackSetId: STACK_SET_ID,
            Region: "eu-west-1",
            Account: "222222222222",
            Status: "CURRENT",
            StackInstanceStatus: { DetailedStatus: "SUCCEEDED" },
            OrganizationalUnitId: "ou-aaaa-11111111",
          },
        ],
      };
    });
    const read = await readStackInstances({ region: "eu-west-1", callAs: "DELEGATED_ADMIN" });
    expect(read.kind).to.equal("read");
    expect(
      asked.map(({ StackSetName, CallAs, NextToken }) => [StackSetName, CallAs, NextToken]),
    ).to.deep.equal([
      ["ssm-runas-sync-runshell", "DELEGATED_ADMIN", undefined],
      ["ssm-runas-sync-runshell", "DELEGATED_ADMIN", "page-2"],
    ]);
    const index = indexStackInstances(read.kind === "read" ? read.value : []);
    expect(stackInstanceOf(index, "111111111111", "eu-west-1")).to.equal(
      "FAILED: ResourceLogicalId:WriterRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:User: arn:aws:sts::111111111111:assumed-role/stacksets-exec-1/x is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy.",
    );
    expect(stackInstanceOf(index, "111111111111", "us-east-1")).to.equal("OUTDATED: detailed status RUNNING");
    expect(stackInstanceOf(index, "222222222222", "eu-west-1")).to.equal("CURRENT");
  });

  it("says once why the StackSet could not be read", async () => {
    cloudFormation.on(ListStackInstancesCommand).rejects(
      Object.assign(new Error("Account 111111111111 is not a delegated administrator"), {
        name: "ValidationError",
      }),
    );
    expect(await readStackInstances({ region: "eu-west-1", callAs: "DELEGATED_ADMIN" })).to.deep.equal({
      kind: "failed",
      reason:
        "ListStackInstances ssm-runas-sync-runshell: ValidationError: Account 111111111111 is not a delegated administrator",
    });
  });
});
