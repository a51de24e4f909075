// The bundled writer tagging the fallback-user association, on moto with the test State Manager: the association
// is created with the template's own properties (as CloudFormation would, the user resolved), and the custom
// resource event carries the template's own Custom::FallbackUserAssociationTag properties.
import { expect } from "chai";
import type { CreateAssociationCommandInput, SSM } from "@aws-sdk/client-ssm";
import { fallbackUserScriptLines } from "../../components/runShell/fallbackUserScript";
import { runShellTemplate } from "../../components/runShell/template";
import {
  ASSOCIATION_ID_PROPERTY,
  FALLBACK_USER_ASSOCIATION_TAG_TYPE,
  FALLBACK_USER_ASSOCIATION_TAG_VALUE,
  MANAGED_TAG_KEY,
} from "../../policypack/rules/names";
import { attemptNumber, type AwsProxy } from "../../testing/awsProxy";
import type { ResponseUrlServer } from "../../testing/responseUrl";
import { startProxiedWriter, type ProxiedWriter } from "../support/writerHarness";
import { customResourceEvent } from "../../testing/runShellFixtures";
import { invokeWriter } from "../../testing/writerInvocation";

const USER = "ssm-fallback";
const { FallbackUserAssociation, FallbackUserAssociationTag } = runShellTemplate({
  code: "",
  runtime: "nodejs24.x",
}).Resources;

/** What CloudFormation would pass: the template's properties with the RunAsDefaultUser parameter substituted. */
function resolved(properties: Record<string, unknown>): Record<string, unknown> {
  return { ...properties, Parameters: { commands: fallbackUserScriptLines(USER) } };
}

describe("RunShell writer: tagging the fallback-user association (bundled, on moto's State Manager)", () => {
  let ssm: SSM;
  let proxy: AwsProxy;
  let responses: ResponseUrlServer;
  let writer: ProxiedWriter;
  let associationId: string;

  before(async () => {
    writer = await startProxiedWriter();
    ({ ssm, proxy, responses } = writer);
  });

  after(() => writer.close());

  beforeEach(async () => {
    await writer.reset();
    const { AssociationDescription } = await ssm.createAssociation(
      resolved(FallbackUserAssociation.Properties) as unknown as CreateAssociationCommandInput,
    );
    associationId = AssociationDescription!.AssociationId!;
  });

  function tagEvent(
    RequestType: string,
    id: string | undefined = associationId,
    PhysicalResourceId?: string,
  ) {
    const { ServiceToken, ServiceTimeout, ...declared } = FallbackUserAssociationTag.Properties;
    void ServiceToken;
    void ServiceTimeout;
    return customResourceEvent({
      RequestType,
      ResponseURL: responses.url,
      PhysicalResourceId,
      properties: { ...resolved(declared), [ASSOCIATION_ID_PROPERTY]: id },
      resource: {
        LogicalResourceId: "FallbackUserAssociationTag",
        ResourceType: FALLBACK_USER_ASSOCIATION_TAG_TYPE,
      },
    });
  }

  const tags = async () =>
    (await ssm.listTagsForResource({ ResourceType: "Association", ResourceId: associationId })).TagList ?? [];
  const answers = () => responses.received.map(({ body }) => body);

  it("tags the association the template declared and answers with its id; a second run writes no tag", async () => {
    await invokeWriter(tagEvent("Create"));
    expect(answers()).to.deep.include.members([
      { ...answers()[0], Status: "SUCCESS", PhysicalResourceId: associationId },
    ]);
    expect(proxy.operations()).to.deep.equal([
      "ListTagsForResource",
      "DescribeAssociation",
      "AddTagsToResource",
    ]);
    expect(await tags()).to.deep.equal([
      { Key: MANAGED_TAG_KEY, Value: FALLBACK_USER_ASSOCIATION_TAG_VALUE },
    ]);

    proxy.requests = [];
    await invokeWriter(tagEvent("Update", associationId, associationId));
    expect(answers()[1]).to.include({ Status: "SUCCESS", PhysicalResourceId: associationId });
    // The SCP would deny the writer a second tag write on a tagged association: it makes none.
    expect(proxy.operations()).to.deep.equal(["ListTagsForResource"]);
  });

  it("refuses to tag an association changed before it was tagged, naming what changed", async () => {
    await ssm.updateAssociation({ AssociationId: associationId, Parameters: { commands: ["true"] } });

    await invokeWriter(tagEvent("Create"));

    expect(answers()).to.have.length(1);
    expect(answers()[0]).to.include({
      Status: "FAILED",
      Reason: `association ${associationId}: its parameters changed before it was tagged; put back the template's and retry`,
    });
    expect(await tags()).to.deep.equal([]);
  });

  it("tries again while the writer role's new policy is still denied, then tags", async () => {
    let denied = false;
    proxy.intercept = ({ operation }) => {
      if (operation !== "ListTagsForResource" || denied) return undefined;
      denied = true;
      return { status: 400, code: "AccessDeniedException" };
    };

    await invokeWriter(tagEvent("Create"));

    expect(answers()[0]).to.include({ Status: "SUCCESS" });
    expect(proxy.operations()).to.deep.equal([
      "ListTagsForResource",
      "ListTagsForResource",
      "DescribeAssociation",
      "AddTagsToResource",
    ]);
    expect(attemptNumber(proxy.requests[1])).to.equal(1); // the writer's own retry, not the SDK's
  });

  it("does nothing on Delete: CloudFormation deletes the association itself", async () => {
    await invokeWriter(tagEvent("Delete", associationId, associationId));
    expect(answers()[0]).to.include({ Status: "SUCCESS", PhysicalResourceId: associationId });
    expect(proxy.operations()).to.deep.equal([]);
  });

  it("answers FAILED in one line when the event names no association", async () => {
    await invokeWriter(tagEvent("Create", ""));
    expect(answers()[0]).to.include({ Status: "FAILED", Reason: `${ASSOCIATION_ID_PROPERTY} is ""` });
    expect(proxy.operations()).to.deep.equal([]);
  });
});
