import { expect } from "chai";
import { expectationFromStack, expectedUserFor } from "../../cli/expectedUser";
import { parseStackConfig } from "../../config/schema";
import { exampleRawConfig } from "../support/exampleStacks";

describe("cli: expected user", () => {
  const expectation = {
    defaultUser: "ssm-fallback",
    overrides: { "ou-aaaa-11111111": "dev", "ou-aaaa-22222222": "sandbox" },
    runAsEnabled: true,
  };

  it("takes the nearest overridden OU above the account, else the default", () => {
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-22222222"])).to.equal(
      "sandbox",
    );
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-33333333"])).to.equal("dev");
    expect(expectedUserFor(expectation, ["r-aaaa"])).to.equal("ssm-fallback");
  });

  it("takes RunAs on from a stack, and off (break-glass) from one whose runAsEnabled is false", () => {
    const stack = (changes: Record<string, unknown>) => {
      const parsed = parseStackConfig({ ...exampleRawConfig("prod"), ...changes });
      if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
      return expectationFromStack(parsed.config);
    };
    expect(stack({})).to.deep.equal({ defaultUser: "ssm-fallback", overrides: {}, runAsEnabled: true });
    expect(stack({ runAsEnabled: false }).runAsEnabled).to.equal(false);
  });
});
