import { expect } from "chai";
import { parse } from "yaml";
import { accessControlAttributesBlock } from "../../cli/abacBlock";

describe("cli: ABAC block", () => {
  it("prints a block under config: that parses back to the same list, quoting what YAML needs", () => {
    const attributes = [
      { key: "SSMSessionRunAs", source: "${path:enterprise.employeeNumber}" },
      { key: "Office", source: '${path:addresses[type eq "work"].locality}' },
      { key: "Note: #1", source: "" },
    ];
    const block = accessControlAttributesBlock(attributes);
    expect(block.split("\n")[0]).to.equal("  ssm-runas-sync:accessControlAttributes:");
    expect(
      block
        .split("\n")
        .filter(Boolean)
        .every((line) => line.startsWith("  ")),
    ).to.equal(true);
    expect(parse(`config:\n${block}`).config["ssm-runas-sync:accessControlAttributes"]).to.deep.equal(
      attributes,
    );
  });
});
