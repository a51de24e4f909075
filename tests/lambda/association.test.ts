// The UpdateAssociation request the writer makes from the custom resource's properties: pure.
import { expect } from "chai";
import { templateAssociation } from "../../lambda/association";
import { runShellTemplate } from "../../components/runShell/template";
import { asCloudFormationSends } from "../../testing/runShellFixtures";

const { FallbackUserAssociation, FallbackUserAssociationTag } = runShellTemplate({
  code: "",
  runtime: "nodejs24.x",
}).Resources;

describe("templateAssociation (what the writer writes over the fallback-user association)", () => {
  it("is the association's own properties, by id, booleans back to booleans, nothing of the custom resource's", () => {
    const request = templateAssociation(
      "8dfe3659",
      asCloudFormationSends(FallbackUserAssociationTag.Properties),
    );
    expect(request).to.deep.equal({ ...FallbackUserAssociation.Properties, AssociationId: "8dfe3659" });
    expect(request.ApplyOnlyAtCronInterval).to.equal(false);
  });

  it('reads ApplyOnlyAtCronInterval "true" as true, and leaves it out when the template does', () => {
    expect(templateAssociation("a", { ApplyOnlyAtCronInterval: "true" }).ApplyOnlyAtCronInterval).to.equal(
      true,
    );
    expect(templateAssociation("a", { Name: "AWS-RunShellScript" })).to.deep.equal({
      AssociationId: "a",
      Name: "AWS-RunShellScript",
    });
  });
});
