// The test moto's State Manager (testing/motoStateManager.py) through the SDK, as the CLI meets it: associations
// created, updated, described, listed and deleted with the API reference's shapes and errors; tags on an
// association (and moto's own for other resources); managed nodes from moto's EC2 instances; the Overview counted
// over the targets' seeded results.
import { expect } from "chai";
import { EC2Client, StopInstancesCommand } from "@aws-sdk/client-ec2";
import {
  AddTagsToResourceCommand,
  CreateAssociationCommand,
  DeleteAssociationCommand,
  DescribeAssociationCommand,
  DescribeInstanceInformationCommand,
  ListAssociationsCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
  UpdateAssociationCommand,
  type DescribeInstanceInformationCommandInput,
  type ListAssociationsCommandInput,
} from "@aws-sdk/client-ssm";
import { fallbackUserScriptLines } from "../../components/runShell/fallbackUserScript";
import { FALLBACK_USER_ASSOCIATION_NAME } from "../../policypack/rules/names";
import { resetMoto, startMoto } from "../../testing/moto";
import {
  cellClientConfig,
  createFallbackUserAssociation,
  fallbackUserAssociationInput,
  resultsFor,
  seedAssociationResults,
  seedManagedNodes,
  type Cell,
} from "../../testing/motoStateManager";
import { MOTO_MANAGEMENT_ACCOUNT_ID } from "../../testing/seedOrganization";

const USER = "ssm-fallback";
const MEMBER = "210987654321";

describe("the test moto's State Manager (testing/motoStateManager.py)", function () {
  this.timeout(60_000);
  let cell: Cell;
  let ssm: SSMClient;

  const clientOf = async (at: Cell) => new SSMClient(await cellClientConfig(at));
  const failure = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (err) {
      return err as Error & { $metadata?: { httpStatusCode?: number } };
    }
    throw new Error("expected the call to fail");
  };
  const listAll = async (client: SSMClient, input: ListAssociationsCommandInput) => {
    const pages = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListAssociationsCommand({ ...input, NextToken }));
      pages.push(page.Associations ?? []);
      NextToken = page.NextToken;
    } while (NextToken);
    return pages;
  };
  const nodes = async (input: DescribeInstanceInformationCommandInput = {}, client = ssm) =>
    (await client.send(new DescribeInstanceInformationCommand(input))).InstanceInformationList ?? [];

  beforeEach(async () => {
    const { endpoint } = await startMoto();
    await resetMoto();
    cell = { endpoint, accountId: MOTO_MANAGEMENT_ACCOUNT_ID, region: "eu-west-1" };
    ssm = await clientOf(cell);
  });

  describe("associations", () => {
    it("CreateAssociation keeps the template's association as given; DescribeAssociation returns it by id", async () => {
      const id = await createFallbackUserAssociation(cell, USER);
      const { AssociationDescription: described } = await ssm.send(
        new DescribeAssociationCommand({ AssociationId: id }),
      );
      expect(described).to.deep.include({
        AssociationId: id,
        AssociationVersion: "1",
        AssociationName: FALLBACK_USER_ASSOCIATION_NAME,
        Name: "AWS-RunShellScript",
        Targets: [{ Key: "InstanceIds", Values: ["*"] }],
        ScheduleExpression: "rate(1 day)",
        ApplyOnlyAtCronInterval: false,
        ComplianceSeverity: "HIGH",
        Parameters: { commands: fallbackUserScriptLines(USER) },
      });
      expect(described!.Date).to.be.instanceOf(Date);
      const missing = await failure(
        ssm.send(new DescribeAssociationCommand({ AssociationId: "8dfe3659-4309-493a-8755-0123456789ab" })),
      );
      expect(missing.name).to.equal("AssociationDoesNotExist");
      const badName = await failure(
        ssm.send(
          new CreateAssociationCommand({ ...fallbackUserAssociationInput(USER), AssociationName: "a b" }),
        ),
      );
      expect(badName.name).to.equal("ValidationException");
    });

    it("UpdateAssociation makes a new version, clears the optional fields it is not given, and checks the version", async () => {
      const id = await createFallbackUserAssociation(cell, USER);
      const { AssociationDescription: updated } = await ssm.send(
        new UpdateAssociationCommand({
          AssociationId: id,
          AssociationVersion: "1",
          Parameters: { commands: ["true"] },
        }),
      );
      expect(updated).to.deep.include({
        AssociationVersion: "2",
        Name: "AWS-RunShellScript",
        Targets: [{ Key: "InstanceIds", Values: ["*"] }],
        Parameters: { commands: ["true"] },
      });
      // As the API reference warns: what the update leaves out is gone, the name included.
      expect(updated).not.to.have.any.keys("AssociationName", "ScheduleExpression", "ComplianceSeverity");
      const first = await ssm.send(
        new DescribeAssociationCommand({ AssociationId: id, AssociationVersion: "1" }),
      );
      expect(first.AssociationDescription!.Parameters).to.deep.equal({
        commands: fallbackUserScriptLines(USER),
      });
      const stale = await failure(
        ssm.send(new UpdateAssociationCommand({ AssociationId: id, AssociationVersion: "1" })),
      );
      expect(stale.name).to.equal("InvalidAssociationVersion");
      const unknown = await failure(
        ssm.send(new UpdateAssociationCommand({ AssociationId: "8dfe3659-4309-493a-8755-0123456789ab" })),
      );
      expect(unknown.name).to.equal("AssociationDoesNotExist");
    });

    it("ListAssociations filters by exact association and document name, and pages with NextToken", async () => {
      for (const name of ["alpha-1", "alpha-2", "alpha-3", "alpha"]) {
        await ssm.send(
          new CreateAssociationCommand({ ...fallbackUserAssociationInput(USER), AssociationName: name }),
        );
      }
      await ssm.send(new CreateAssociationCommand({ Name: "AWS-UpdateSSMAgent", AssociationName: "agent" }));
      const named = (
        await ssm.send(
          new ListAssociationsCommand({
            AssociationFilterList: [{ key: "AssociationName", value: "alpha" }],
          }),
        )
      ).Associations!;
      expect(named.map((a) => a.AssociationName)).to.deep.equal(["alpha"]);
      // ListAssociations leaves the parameters out (DescribeAssociation's).
      expect(named[0]).not.to.have.property("Parameters");
      const byDocument = await listAll(ssm, {
        AssociationFilterList: [{ key: "Name", value: "AWS-RunShellScript" }],
        MaxResults: 3,
      });
      expect(byDocument.map((page) => page.map((a) => a.AssociationName))).to.deep.equal([
        ["alpha-1", "alpha-2", "alpha-3"],
        ["alpha"],
      ]);
      expect(
        (await failure(ssm.send(new ListAssociationsCommand({ NextToken: "not-a-token" })))).name,
      ).to.equal("InvalidNextToken");
      expect((await failure(ssm.send(new ListAssociationsCommand({ MaxResults: 51 })))).name).to.equal(
        "ValidationException",
      );
    });

    it("DeleteAssociation removes it; deleting or describing it again is AssociationDoesNotExist", async () => {
      const id = await createFallbackUserAssociation(cell, USER);
      await ssm.send(new DeleteAssociationCommand({ AssociationId: id }));
      expect((await ssm.send(new ListAssociationsCommand({}))).Associations).to.deep.equal([]);
      expect((await failure(ssm.send(new DeleteAssociationCommand({ AssociationId: id })))).name).to.equal(
        "AssociationDoesNotExist",
      );
      expect((await failure(ssm.send(new DescribeAssociationCommand({ AssociationId: id })))).name).to.equal(
        "AssociationDoesNotExist",
      );
    });

    it("belongs to its account × region: another region and another account see none", async () => {
      await createFallbackUserAssociation(cell, USER);
      const elsewhere = [
        { ...cell, region: "eu-central-1" },
        { ...cell, accountId: MEMBER },
      ];
      for (const at of elsewhere) {
        expect((await (await clientOf(at)).send(new ListAssociationsCommand({}))).Associations).to.deep.equal(
          [],
        );
      }
    });

    it("is forgotten by moto's reset", async () => {
      await createFallbackUserAssociation(cell, USER);
      await resetMoto();
      expect((await ssm.send(new ListAssociationsCommand({}))).Associations).to.deep.equal([]);
    });
  });

  describe("tags", () => {
    it("on an association: given at creation, added, removed, listed; an unknown id is InvalidResourceId", async () => {
      const { AssociationDescription } = await ssm.send(
        new CreateAssociationCommand({
          ...fallbackUserAssociationInput(USER),
          Tags: [{ Key: "a", Value: "1" }],
        }),
      );
      const resource = {
        ResourceType: "Association" as const,
        ResourceId: AssociationDescription!.AssociationId!,
      };
      await ssm.send(new AddTagsToResourceCommand({ ...resource, Tags: [{ Key: "b", Value: "2" }] }));
      await ssm.send(new AddTagsToResourceCommand({ ...resource, Tags: [{ Key: "a", Value: "3" }] }));
      await ssm.send(new RemoveTagsFromResourceCommand({ ...resource, TagKeys: ["b"] }));
      expect((await ssm.send(new ListTagsForResourceCommand(resource))).TagList).to.deep.equal([
        { Key: "a", Value: "3" },
      ]);
      const unknown = await failure(
        ssm.send(
          new ListTagsForResourceCommand({ ...resource, ResourceId: "8dfe3659-4309-493a-8755-0123456789ab" }),
        ),
      );
      expect(unknown.name).to.equal("InvalidResourceId");
    });

    it("on any other resource type: moto's own", async () => {
      await ssm.send(new PutParameterCommand({ Name: "/p", Value: "v", Type: "String" }));
      const parameter = { ResourceType: "Parameter" as const, ResourceId: "/p" };
      await ssm.send(new AddTagsToResourceCommand({ ...parameter, Tags: [{ Key: "k", Value: "v" }] }));
      expect((await ssm.send(new ListTagsForResourceCommand(parameter))).TagList).to.deep.equal([
        { Key: "k", Value: "v" },
      ]);
    });
  });

  describe("DescribeInstanceInformation", () => {
    it("lists the running EC2 instances of the account × region as managed nodes, Windows ones as Windows", async () => {
      const seeded = await seedManagedNodes(cell, { linux: 3, windows: 2 });
      await seedManagedNodes({ ...cell, region: "eu-central-1" }, { linux: 1 });
      await seedManagedNodes({ ...cell, accountId: MEMBER }, { linux: 4 });
      const listed = await nodes({ MaxResults: 50 });
      expect(listed.map(({ InstanceId, PlatformType }) => [InstanceId, PlatformType])).to.have.deep.members([
        ...seeded.linux.map((id) => [id, "Linux"]),
        ...seeded.windows.map((id) => [id, "Windows"]),
      ]);
      expect(listed[0]).to.deep.include({ PingStatus: "Online", ResourceType: "EC2Instance" });
      const linux = await nodes({ Filters: [{ Key: "PlatformTypes", Values: ["Linux"] }] });
      expect(linux.map(({ InstanceId }) => InstanceId)).to.have.members(seeded.linux);
      // A stopped instance is no managed node (the API reference: stopped or terminated nodes are not listed).
      const ec2 = new EC2Client(await cellClientConfig(cell));
      await ec2.send(new StopInstancesCommand({ InstanceIds: [seeded.linux[0]] }));
      expect(await nodes({ Filters: [{ Key: "PlatformTypes", Values: ["Linux"] }] })).to.have.length(2);
    });

    it("pages by MaxResults (5 to 50, default 10) and refuses an unknown filter key", async () => {
      await seedManagedNodes(cell, { linux: 12 });
      const sizes = [];
      let NextToken: string | undefined;
      do {
        const page = await ssm.send(new DescribeInstanceInformationCommand({ NextToken }));
        sizes.push(page.InstanceInformationList!.length);
        NextToken = page.NextToken;
      } while (NextToken);
      expect(sizes).to.deep.equal([10, 2]);
      expect((await failure(nodes({ MaxResults: 4 }))).name).to.equal("ValidationException");
      expect((await failure(nodes({ Filters: [{ Key: "Colour", Values: ["x"] }] }))).name).to.equal(
        "InvalidFilterKey",
      );
    });
  });

  describe("the association's Overview", () => {
    it("counts its targets by their seeded results, Pending where none; Failed when one failed, else Success", async () => {
      const { linux, windows } = await seedManagedNodes(cell, { linux: 4, windows: 1 });
      const id = await createFallbackUserAssociation(cell, USER);
      const overview = async () =>
        (await ssm.send(new DescribeAssociationCommand({ AssociationId: id }))).AssociationDescription!
          .Overview;
      expect(await overview()).to.deep.equal({
        Status: "Pending",
        DetailedStatus: "Pending",
        AssociationStatusAggregatedCount: { Pending: 5 },
      });
      await seedAssociationResults(cell, FALLBACK_USER_ASSOCIATION_NAME, {
        ...resultsFor(linux.slice(0, 3), "Success"),
        ...resultsFor(windows, "Failed"),
      });
      expect(await overview()).to.deep.equal({
        Status: "Failed",
        DetailedStatus: "Failed",
        AssociationStatusAggregatedCount: { Success: 3, Failed: 1, Pending: 1 },
      });
      // ListAssociations carries the same Overview.
      const [listed] = (await ssm.send(new ListAssociationsCommand({}))).Associations!;
      expect(listed.Overview!.AssociationStatusAggregatedCount).to.deep.equal({
        Success: 3,
        Failed: 1,
        Pending: 1,
      });
      // A result seeded by the association's id counts the same as by its name.
      await seedAssociationResults(cell, id, resultsFor([...linux, ...windows], "Success"));
      expect((await overview())!.Status).to.equal("Success");
      // An update runs it again: every target is Pending until its next result.
      await ssm.send(
        new UpdateAssociationCommand({ ...fallbackUserAssociationInput(USER), AssociationId: id }),
      );
      expect((await overview())!.AssociationStatusAggregatedCount).to.deep.equal({ Pending: 5 });
    });

    it("counts only the nodes its Targets select", async () => {
      const { linux } = await seedManagedNodes(cell, { linux: 3 });
      const { AssociationDescription } = await ssm.send(
        new CreateAssociationCommand({
          ...fallbackUserAssociationInput(USER),
          Targets: [{ Key: "InstanceIds", Values: linux.slice(0, 2) }],
        }),
      );
      await seedAssociationResults(
        cell,
        AssociationDescription!.AssociationId!,
        resultsFor(linux, "Success"),
      );
      const [listed] = (await ssm.send(new ListAssociationsCommand({}))).Associations!;
      expect(listed.Overview).to.deep.equal({
        Status: "Success",
        DetailedStatus: "Success",
        AssociationStatusAggregatedCount: { Success: 2 },
      });
    });

    it("the seeding endpoint refuses an unknown association and an unknown status", async () => {
      await createFallbackUserAssociation(cell, USER);
      const refused = await failure(seedAssociationResults(cell, "no-such-association", {}));
      expect(refused.message).to.match(/HTTP 400: no association no-such-association/);
      const badStatus = await failure(
        seedAssociationResults(cell, FALLBACK_USER_ASSOCIATION_NAME, { "i-0": "Done" as "Success" }),
      );
      expect(badStatus.message).to.match(
        /HTTP 400: result statuses must be one of Pending, Success, Failed, not Done/,
      );
    });
  });
});
