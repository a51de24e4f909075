// Which parts of an association the writer finds changed from the template's before it tags it: pure.
import { expect } from "chai";
import { changedParts, type Association } from "../../lambda/association";

const DECLARED: Association = {
  Name: "AWS-RunShellScript",
  Targets: [{ Key: "InstanceIds", Values: ["*"] }],
  Parameters: { commands: ["user='ssm-fallback'", 'id -u "$user"'] },
};

describe("changedParts (the writer's check before it tags the association)", () => {
  it("finds nothing in the association as the template declared it, parameters it does not set left aside", () => {
    expect(changedParts({ ...DECLARED }, DECLARED)).to.deep.equal([]);
    const defaults = { executionTimeout: ["3600"], workingDirectory: [""], ...DECLARED.Parameters };
    expect(changedParts({ ...DECLARED, Parameters: defaults }, DECLARED)).to.deep.equal([]);
  });

  it("names each part that differs: the document, the targets, the parameters", () => {
    expect(changedParts({ ...DECLARED, Name: "AWS-RunPowerShellScript" }, DECLARED)).to.deep.equal([
      "document",
    ]);
    expect(
      changedParts({ ...DECLARED, Targets: [{ Key: "tag:Team", Values: ["none"] }] }, DECLARED),
    ).to.deep.equal(["targets"]);
    expect(changedParts({ ...DECLARED, Parameters: { commands: ["true"] } }, DECLARED)).to.deep.equal([
      "parameters",
    ]);
    expect(changedParts({}, DECLARED)).to.deep.equal(["document", "targets", "parameters"]);
  });

  it("counts a command added, dropped or moved as a change", () => {
    const [first, second] = DECLARED.Parameters!.commands;
    for (const commands of [[first, second, 'passwd -d "$user"'], [first], [second, first]]) {
      expect(
        changedParts({ ...DECLARED, Parameters: { commands } }, DECLARED),
        commands.join("; "),
      ).to.deep.equal(["parameters"]);
    }
  });
});
