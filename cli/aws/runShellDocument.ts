// Reads SSM-SessionManagerRunShell in one account and region, both the default version and the latest (see
// ../auditRows for why both): DescribeDocument names them, GetDocument reads the default, and the latest too
// when it is another version. What the read means is the pure classifier's job. Shared by `audit` and `verify`.
import { DescribeDocumentCommand, GetDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { RUN_SHELL_DOCUMENT_NAME } from "../../policypack/rules/names";
import type { DocumentRead, VersionRead } from "../auditRows";
import { describeError } from "../errors";
import { clientFor, type Credentials } from "./clients";

export async function readRunShellDocument(
  region: string,
  credentials: Credentials | undefined,
  format?: "JSON",
): Promise<DocumentRead> {
  const ssm = clientFor(SSMClient, region, credentials);
  let defaultVersion: string | undefined;
  let latestVersion: string | undefined;
  try {
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME }));
    defaultVersion = Document?.DefaultVersion;
    latestVersion = Document?.LatestVersion;
  } catch (err) {
    if ((err as Error).name === "InvalidDocument") return { kind: "missing" };
    return { kind: "failed", reason: `DescribeDocument: ${describeError(err)}` };
  }
  if (!defaultVersion || !latestVersion) {
    return { kind: "failed", reason: "DescribeDocument: no DefaultVersion or LatestVersion" };
  }

  // By number, so that the versions reported are the ones read even if the default moves meanwhile.
  const read = async (version: string): Promise<VersionRead> => {
    try {
      const document = await ssm.send(
        new GetDocumentCommand({
          Name: RUN_SHELL_DOCUMENT_NAME,
          DocumentVersion: version,
          DocumentFormat: format,
        }),
      );
      return { version, content: document.Content ?? "" };
    } catch (err) {
      throw new Error(`GetDocument v${version}: ${describeError(err)}`);
    }
  };
  try {
    const defaultRead = await read(defaultVersion);
    const latestRead = latestVersion === defaultVersion ? defaultRead : await read(latestVersion);
    return { kind: "found", default: defaultRead, latest: latestRead };
  } catch (err) {
    return { kind: "failed", reason: (err as Error).message };
  }
}
