// Pure verdict on a SAML claim for SSMSessionRunAs (ignored while ABAC maps the key; several values reject sign-in).
import { expect } from "chai";
import { claimStep, RUN_AS_SAML_CLAIM } from "../../../cli/graph/claims";
import { claimsMappingPolicy } from "../../../testing/graphTenant";
import { stepStatus } from "../../../cli/verifySteps";

describe("cli/graph: SAML claim verdict", () => {
  const status = (...policies: ReturnType<typeof claimsMappingPolicy>[]) => stepStatus(claimStep(policies));

  it("no policy sets the claim: a person checks the admin center", () => {
    expect(status()).to.equal("CHECK");
    expect(
      status(claimsMappingPolicy("https://example.com/other", { Source: "user", ID: "groups" })),
    ).to.equal("CHECK");
  });

  it("a per-user source passes; groups and several policies fail; a constant or a transformation is for a person", () => {
    expect(
      status(claimsMappingPolicy(RUN_AS_SAML_CLAIM, { Source: "user", ID: "onpremisessamaccountname" })),
    ).to.equal("PASS");
    expect(status(claimsMappingPolicy(RUN_AS_SAML_CLAIM, { Value: "ec2-user" }))).to.equal("CHECK");
    expect(status(claimsMappingPolicy(RUN_AS_SAML_CLAIM, { Source: "user", ID: "groups" }))).to.equal("FAIL");
    expect(
      status(
        claimsMappingPolicy(RUN_AS_SAML_CLAIM, { Source: "transformation", ID: "x", TransformationId: "t" }),
      ),
    ).to.equal("CHECK");
    const perUser = claimsMappingPolicy(RUN_AS_SAML_CLAIM, { Source: "user", ID: "employeeid" });
    expect(status(perUser, perUser)).to.equal("FAIL");
  });

  it("ignores a definition that is not JSON", () => {
    expect(stepStatus(claimStep([{ displayName: "broken", definition: ["{"] }]))).to.equal("CHECK");
  });
});
