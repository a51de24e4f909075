// One SDK client per service × region × assumed-role credentials: every read of an account × region shares it,
// and nothing is shared across accounts, regions or services, nor for the caller's own credentials.
import { expect } from "chai";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SSMClient } from "@aws-sdk/client-ssm";
import { clientFor, type Credentials } from "../../../cli/aws/clients";

describe("clientFor", () => {
  const account: Credentials = { accessKeyId: "ASIAONE", secretAccessKey: "s", sessionToken: "t" };
  const other: Credentials = { accessKeyId: "ASIATWO", secretAccessKey: "s", sessionToken: "t" };

  it("builds one client per service, region and credentials, with those credentials and region", async () => {
    const ssm = clientFor(SSMClient, "eu-west-1", account);
    expect(clientFor(SSMClient, "eu-west-1", account)).to.equal(ssm);
    expect(await ssm.config.region()).to.equal("eu-west-1");
    expect((await ssm.config.credentials()).accessKeyId).to.equal("ASIAONE");
    expect(clientFor(SSMClient, "us-east-1", account)).to.not.equal(ssm);
    expect(clientFor(SSMClient, "eu-west-1", other)).to.not.equal(ssm);
    expect(clientFor(LambdaClient, "eu-west-1", account)).to.be.instanceOf(LambdaClient);
  });

  it("builds a new client each time for the caller's own credentials", () => {
    expect(clientFor(SSMClient, "eu-west-1")).to.not.equal(clientFor(SSMClient, "eu-west-1"));
  });
});
