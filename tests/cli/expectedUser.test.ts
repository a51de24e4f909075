import { expect } from "chai";
import { expectedUserFor } from "../../cli/expectedUser";

describe("cli: expected user", () => {
  const expectation = {
    defaultUser: "ssm-fallback",
    overrides: { "ou-aaaa-11111111": "dev", "ou-aaaa-22222222": "sandbox" },
  };

  it("takes the nearest overridden OU above the account, else the default", () => {
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-22222222"])).to.equal(
      "sandbox",
    );
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-33333333"])).to.equal("dev");
    expect(expectedUserFor(expectation, ["r-aaaa"])).to.equal("ssm-fallback");
  });
});
