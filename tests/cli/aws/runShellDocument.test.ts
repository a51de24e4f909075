// Reading the RunShell document's default and latest versions (aws-sdk-client-mock: which calls, in which order).
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  DescribeDocumentCommand,
  GetDocumentCommand,
  SSMClient,
  type GetDocumentCommandInput,
} from "@aws-sdk/client-ssm";
import { readRunShellDocument } from "../../../cli/aws/runShellDocument";

const NAME = "SSM-SessionManagerRunShell";
const error = (name: string, message: string) => Object.assign(new Error(message), { name });

describe("readRunShellDocument", () => {
  let ssm: AwsClientStub<SSMClient>;
  let asked: string[];

  beforeEach(() => {
    asked = [];
    ssm = mockClient(SSMClient);
    ssm
      .on(GetDocumentCommand)
      .callsFake(({ Name, DocumentVersion, DocumentFormat }: GetDocumentCommandInput) => {
        asked.push(`GetDocument ${Name} v${DocumentVersion} ${DocumentFormat}`);
        return { Content: `content of v${DocumentVersion}`, DocumentVersion };
      });
  });
  afterEach(() => ssm.restore());

  const describeAs = (DefaultVersion: string, LatestVersion: string) =>
    ssm.on(DescribeDocumentCommand, { Name: NAME }).callsFake(() => {
      asked.push(`DescribeDocument ${NAME}`);
      return { Document: { Name: NAME, DefaultVersion, LatestVersion } };
    });

  it("reads the default by its number, once, when it is the latest", async () => {
    describeAs("4", "4");
    const read = await readRunShellDocument("eu-west-1", undefined, "JSON");
    expect(read).to.deep.equal({
      kind: "found",
      default: { version: "4", content: "content of v4" },
      latest: { version: "4", content: "content of v4" },
    });
    expect(asked).to.deep.equal([`DescribeDocument ${NAME}`, `GetDocument ${NAME} v4 JSON`]);
  });

  it("reads the latest too when it is another version", async () => {
    describeAs("2", "3");
    const read = await readRunShellDocument("eu-west-1", undefined, "JSON");
    expect(read).to.deep.equal({
      kind: "found",
      default: { version: "2", content: "content of v2" },
      latest: { version: "3", content: "content of v3" },
    });
    expect(asked).to.deep.equal([
      `DescribeDocument ${NAME}`,
      `GetDocument ${NAME} v2 JSON`,
      `GetDocument ${NAME} v3 JSON`,
    ]);
  });

  it("answers missing when there is no document, with one call", async () => {
    ssm.on(DescribeDocumentCommand).rejects(error("InvalidDocument", "Document with name x does not exist."));
    expect(await readRunShellDocument("eu-west-1", undefined)).to.deep.equal({ kind: "missing" });
    expect(ssm.calls()).to.have.length(1);
  });

  it("names the call and the version that failed", async () => {
    ssm.on(DescribeDocumentCommand).rejectsOnce(error("AccessDeniedException", "no\n describe"));
    expect(await readRunShellDocument("eu-west-1", undefined)).to.deep.equal({
      kind: "failed",
      reason: "DescribeDocument: AccessDeniedException: no describe",
    });
    describeAs("2", "3");
    ssm.on(GetDocumentCommand, { DocumentVersion: "3" }).rejects(error("AccessDeniedException", "not v3"));
    expect(await readRunShellDocument("eu-west-1", undefined)).to.deep.equal({
      kind: "failed",
      reason: "GetDocument v3: AccessDeniedException: not v3",
    });
  });
});
