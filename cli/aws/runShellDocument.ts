// Reads SSM-SessionManagerRunShell in one account and region; what the read means is the pure classifier's job
// (../auditRows). Shared by `audit` and `verify`.
import { GetDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { RUN_SHELL_DOCUMENT_NAME } from "../../policypack/rules/names";
import type { DocumentRead } from "../auditRows";
import { describeError } from "../errors";
import { clientConfig, type Credentials } from "./clients";

export async function readRunShellDocument(
  region: string,
  credentials: Credentials | undefined,
  format?: "JSON",
): Promise<DocumentRead> {
  const ssm = new SSMClient(clientConfig(region, credentials));
  try {
    const document = await ssm.send(
      new GetDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME, DocumentFormat: format }),
    );
    return { kind: "found", content: document.Content ?? "" };
  } catch (err) {
    if ((err as Error).name === "InvalidDocument") return { kind: "missing" };
    return { kind: "failed", reason: `GetDocument: ${describeError(err)}` };
  }
}
