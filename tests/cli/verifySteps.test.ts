// The SCP probe's verdict and the roles it must not probe with.
import { expect } from "chai";
import {
  check,
  classifyDenyProbe,
  classifyWriteProbe,
  exemptionMatching,
  fail,
  formatStep,
  pass,
} from "../../cli/verifySteps";

describe("cli: SCP probe verdict", () => {
  const error = (name: string, message: string) => Object.assign(new Error(message), { name });

  it("passes only on an explicit deny in a service control policy", () => {
    const scp = error(
      "AccessDeniedException",
      "User: arn:aws:sts::111111111111:assumed-role/OrganizationAccountAccessRole/x is not authorized to perform: " +
        "ssm:UpdateDocument on resource: arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell " +
        "with an explicit deny in a service control policy",
    );
    expect(classifyWriteProbe(scp).ok).to.equal(true);
    expect(classifyWriteProbe(error("DuplicateDocumentContent", "same")).detail).to.match(/^NOT protected/);
    const iam = classifyWriteProbe(
      error("AccessDeniedException", "... with an explicit deny in an identity-based policy"),
    );
    expect([iam.ok, iam.detail.startsWith("refused, but not by a service control policy")]).to.deep.equal([
      false,
      true,
    ]);
    expect(classifyWriteProbe(undefined)).to.deep.equal({
      ok: false,
      detail: "NOT protected: the write was accepted",
    });
    expect(classifyWriteProbe(error("InvalidDocument", "gone")).detail).to.equal(
      "inconclusive: InvalidDocument: gone",
    );
  });

  it("recognizes roles the SCP exempts", () => {
    const arn = (name: string) => `arn:aws:iam::111111111111:role/${name}`;
    expect(
      exemptionMatching(arn("OrganizationAccountAccessRole"), ["arn:aws:iam::*:role/AWSAccelerator-*"]),
    ).to.equal(undefined);
    expect(
      exemptionMatching(arn("AWSAccelerator-Pipeline"), ["arn:aws:iam::*:role/AWSAccelerator-*"]),
    ).to.equal("arn:aws:iam::*:role/AWSAccelerator-*");
    expect(exemptionMatching(arn("stacksets-exec-0123"), [])).to.equal(
      "arn:aws:iam::*:role/stacksets-exec-*",
    );
    // A stack whose StackSet runs as LZA's execution role exempts that role instead.
    const lzaExecutionRole = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
    expect(exemptionMatching(arn("AWSCloudFormationStackSetExecutionRole"), [], lzaExecutionRole)).to.equal(
      lzaExecutionRole,
    );
    expect(exemptionMatching(arn("stacksets-exec-0123"), [], lzaExecutionRole)).to.equal(undefined);
  });

  it("a probe that must be denied passes only on an SCP's AccessDenied; any other answer got past authorisation", () => {
    const scp =
      "User: x is not authorized to perform: iam:TagRole with an explicit deny in a service control policy";
    for (const name of ["AccessDenied", "AccessDeniedException"]) {
      expect(classifyDenyProbe(error(name, scp))).to.deep.equal({
        ok: true,
        detail: "refused with an explicit deny in a service control policy",
      });
    }
    // The role's own policy or a boundary: refused, but the SCP is not shown to work.
    expect(
      classifyDenyProbe(error("AccessDenied", "... with an explicit deny in a permissions boundary")),
    ).to.deep.equal({
      ok: false,
      detail:
        "refused, but not by a service control policy: AccessDenied: ... with an explicit deny in a permissions boundary",
    });
    // A role that does not exist, an instance that does not exist: authorised first, then not found.
    for (const [name, message] of [
      ["NoSuchEntityException", "Role ssm-runas-sync-probe not found"],
      ["InvalidInstanceId", "i-00000000000000000 is not a valid instance"],
      ["DocumentAlreadyExists", "exists"],
    ]) {
      expect(classifyDenyProbe(error(name, message))).to.deep.equal({
        ok: false,
        detail: `NOT protected: the call got past authorisation, no service control policy denied it (${name}: ${message})`,
      });
    }
    expect(classifyDenyProbe(undefined)).to.deep.equal({
      ok: false,
      detail: "NOT protected: the call was accepted",
    });
  });
});

describe("cli: step lines", () => {
  it("PASS, FAIL and CHECK (for a person, not a failure) line up", () => {
    expect(formatStep(pass("a", "b"))).to.equal("PASS  a: b\n");
    expect(formatStep(fail("a", "b"))).to.equal("FAIL  a: b\n");
    expect(formatStep(check("a", "b"))).to.equal("CHECK a: b\n");
    expect(check("a", "b").ok).to.equal(true);
  });
});
