// The bundled writer protecting the fallback-user association, on moto with the test State Manager: the association
// is created with the template's own properties (as CloudFormation would, the user resolved), and the custom
// resource event carries the template's own Custom::FallbackUserAssociationTag properties, as CloudFormation sends
// them (booleans as strings).
import { expect } from "chai";
import type { SSM } from "@aws-sdk/client-ssm";
import {
  ASSOCIATION_ID_PROPERTY,
  FALLBACK_USER_ASSOCIATION_TAG_TYPE,
  FALLBACK_USER_ASSOCIATION_TAG_VALUE,
  MANAGED_TAG_KEY,
} from "../../policypack/rules/names";
import { attemptNumber, type AwsProxy } from "../../testing/awsProxy";
import { fallbackUserAssociationInput } from "../../testing/motoStateManager";
import type { ResponseUrlServer } from "../../testing/responseUrl";
import { startProxiedWriter, type ProxiedWriter } from "../support/writerHarness";
import { customResourceEvent } from "../../testing/runShellFixtures";
import { invokeWriter } from "../../testing/writerInvocation";

const USER = "ssm-fallback";
/** The association as the template declares it, the user substituted as CloudFormation would. */
const DECLARED = fallbackUserAssociationInput(USER);

describe("RunShell writer: protecting the fallback-user association (bundled, on moto's State Manager)", () => {
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
    const { AssociationDescription } = await ssm.createAssociation(DECLARED);
    associationId = AssociationDescription!.AssociationId!;
  });

  function tagEvent(
    RequestType: string,
    id: string | undefined = associationId,
    PhysicalResourceId?: string,
  ) {
    // The tag resource's properties are the association's own (the template test holds that), and its id.
    return customResourceEvent({
      RequestType,
      ResponseURL: responses.url,
      PhysicalResourceId,
      properties: { ...DECLARED, [ASSOCIATION_ID_PROPERTY]: id },
      resource: {
        LogicalResourceId: "FallbackUserAssociationTag",
        ResourceType: FALLBACK_USER_ASSOCIATION_TAG_TYPE,
      },
    });
  }

  const tags = async (ResourceId = associationId) =>
    (await ssm.listTagsForResource({ ResourceType: "Association", ResourceId })).TagList ?? [];
  const described = async () =>
    (await ssm.describeAssociation({ AssociationId: associationId })).AssociationDescription!;
  const answers = () => responses.received.map(({ body }) => body);
  const OURS = [{ Key: MANAGED_TAG_KEY, Value: FALLBACK_USER_ASSOCIATION_TAG_VALUE }];

  it("tags the association, then writes the template's properties over it, and answers with its id", async () => {
    await invokeWriter(tagEvent("Create"));

    expect(answers()).to.have.length(1);
    expect(answers()[0]).to.include({ Status: "SUCCESS", PhysicalResourceId: associationId });
    expect(proxy.operations()).to.deep.equal(["AddTagsToResource", "UpdateAssociation"]);
    expect(await tags()).to.deep.equal(OURS);
    expect(await described()).to.deep.include(DECLARED);
  });

  it("puts back what anyone changed before the tag, the tag's value and fields the template leaves out included", async () => {
    await ssm.updateAssociation({
      AssociationId: associationId,
      Name: "AWS-RunShellScript",
      Targets: [{ Key: "tag:Team", Values: ["nobody"] }],
      Parameters: { commands: ["true"], executionTimeout: ["1"] },
      CalendarNames: ["always-closed"],
    });
    await ssm.addTagsToResource({
      ResourceType: "Association",
      ResourceId: associationId,
      Tags: [{ Key: MANAGED_TAG_KEY, Value: "mine" }],
    });

    await invokeWriter(tagEvent("Create"));

    expect(answers()[0]).to.include({ Status: "SUCCESS" });
    expect(await tags()).to.deep.equal(OURS);
    const association = await described();
    expect(association).to.deep.include(DECLARED);
    expect(association.CalendarNames ?? []).to.deep.equal([]);
  });

  it("does nothing on an Update of the same association (protected then), and protects a replacement", async () => {
    await invokeWriter(tagEvent("Update", associationId, associationId));
    expect(answers()[0]).to.include({ Status: "SUCCESS", PhysicalResourceId: associationId });
    expect(proxy.operations()).to.deep.equal([]);

    const { AssociationDescription } = await ssm.createAssociation(DECLARED);
    const replacement = AssociationDescription!.AssociationId!;
    await invokeWriter(tagEvent("Update", replacement, associationId));
    expect(answers()[1]).to.include({ Status: "SUCCESS", PhysicalResourceId: replacement });
    expect(await tags(replacement)).to.deep.equal(OURS);
  });

  it("answers SUCCESS for an association deleted since CloudFormation created it, and says so in its log", async () => {
    await ssm.deleteAssociation({ AssociationId: associationId });

    const { logs } = await invokeWriter(tagEvent("Create"));

    expect(answers()[0]).to.include({ Status: "SUCCESS", PhysicalResourceId: associationId });
    expect(logs).to.deep.include({ action: "association-missing", AssociationId: associationId });
    expect(proxy.operations()).to.deep.equal(["AddTagsToResource"]);
  });

  it("tries again while the writer role's new policy is still denied, then protects it", async () => {
    let denied = false;
    proxy.intercept = ({ operation }) => {
      if (operation !== "AddTagsToResource" || denied) return undefined;
      denied = true;
      return { status: 400, code: "AccessDeniedException" };
    };

    await invokeWriter(tagEvent("Create"));

    expect(answers()[0]).to.include({ Status: "SUCCESS" });
    expect(proxy.operations()).to.deep.equal(["AddTagsToResource", "AddTagsToResource", "UpdateAssociation"]);
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
