// The reconcile-on-change rule of the StackSet template fires on a write of $LATEST alone, the way
// AWS's CLI procedure and LZA's Session Manager settings write the document. The rule's rendered pattern is
// matched by moto's EventBridge.
import { expect } from "chai";
import { NEWEST_NODEJS_RUNTIME } from "../../../policypack/rules/values";
import { runShellTemplate } from "../../../components/runShell/template";
import { matchingEvents } from "../../support/motoEventBridge";
import { Name, cloudTrailEvent } from "../../../testing/runShellFixtures";

/** The rule's pattern as rendered (any short code will do: the pattern does not depend on it). */
const pattern = runShellTemplate({
  code: "module.exports.handler = async () => {};",
  runtime: NEWEST_NODEJS_RUNTIME,
}).Resources.ReconcileOnChangeRule.Properties?.EventPattern as object;

/** The CloudTrail record of `aws ssm update-document --name … --content … --document-version '$LATEST'`. */
function lzaUpdateDocument(requestParameters: Record<string, unknown> = {}) {
  const event = cloudTrailEvent("UpdateDocument");
  return {
    ...event,
    detail: {
      ...event.detail,
      eventVersion: "1.09",
      awsRegion: "us-east-1",
      requestParameters: {
        name: Name,
        content: '{"schemaVersion":"1.0","sessionType":"Standard_Stream","inputs":{}}',
        documentVersion: "$LATEST",
        ...requestParameters,
      },
      responseElements: {
        documentDescription: { name: Name, documentVersion: "3", defaultVersion: "2", latestVersion: "3" },
      },
    },
  };
}

describe("reconcile-on-change rule (rendered pattern, moto's EventBridge)", () => {
  it("fires on an UpdateDocument of $LATEST alone (no UpdateDocumentDefaultVersion follows)", async () => {
    const matched = await matchingEvents(pattern, [lzaUpdateDocument()]);

    expect(matched).to.have.length(1);
    expect(matched[0]).to.deep.include({ source: "aws.ssm", "detail-type": "AWS API Call via CloudTrail" });
    expect(matched[0].detail).to.deep.include({ eventName: "UpdateDocument" });
  });

  it("fires on each document write the writer reconciles, and not on reads or other documents", async () => {
    const writes = ["CreateDocument", "UpdateDocument", "DeleteDocument", "UpdateDocumentDefaultVersion"];
    const others = [
      cloudTrailEvent("GetDocument"),
      cloudTrailEvent("DescribeDocument"),
      lzaUpdateDocument({ name: "Team-Runbook" }),
    ];

    const matched = await matchingEvents(pattern, [...writes.map(cloudTrailEvent), ...others]);

    expect(matched.map((event) => (event.detail as { eventName: string }).eventName)).to.have.members(writes);
  });

  it("fires on a write that names the document by its ARN, and not on another document's ARN", async () => {
    const byArn = lzaUpdateDocument({ name: `arn:aws:ssm:us-east-1:111122223333:document/${Name}` });
    const other = lzaUpdateDocument({ name: "arn:aws:ssm:us-east-1:111122223333:document/Team-Runbook" });

    const matched = await matchingEvents(pattern, [byArn, other]);

    expect(
      matched.map(
        (event) => (event.detail as { requestParameters: { name: string } }).requestParameters.name,
      ),
    ).to.deep.equal([`arn:aws:ssm:us-east-1:111122223333:document/${Name}`]);
  });
});
