import { expect } from "chai";
import { SSMClient, CreateDocumentCommand, GetDocumentCommand } from "@aws-sdk/client-ssm";
import { motoEnvironment, resetMoto, startMoto } from "../../testing/moto";

describe("moto harness", () => {
  it("serves SSM on loopback and forgets state on reset", async () => {
    const env = motoEnvironment(await startMoto());
    const ssm = new SSMClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await ssm.send(
      new CreateDocumentCommand({
        Name: "Probe",
        DocumentType: "Session",
        DocumentFormat: "JSON",
        Content: JSON.stringify({
          schemaVersion: "1.0",
          description: "d",
          sessionType: "Standard_Stream",
          inputs: {},
        }),
      }),
    );
    expect((await ssm.send(new GetDocumentCommand({ Name: "Probe" }))).Name).to.equal("Probe");
    await resetMoto();
    let error: unknown;
    try {
      await ssm.send(new GetDocumentCommand({ Name: "Probe" }));
    } catch (err) {
      error = err;
    }
    expect((error as Error).name).to.equal("InvalidDocument");
  });
});
