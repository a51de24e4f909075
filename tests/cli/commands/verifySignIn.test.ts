// `verify --sign-in` is interactive: without a terminal or an access portal URL it does not run (exit 2).
import { expect } from "chai";
import { runCli } from "../../support/cli";

const ARGS = ["verify", "--account", "111122223333", "--region", "eu-west-1", "--user", "alice"];
const ENV = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", AWS_REGION: "eu-west-1" };

describe("ssm-runas verify --sign-in usage", () => {
  it("needs a terminal: exit 2 with one line, before any AWS call", async () => {
    const result = await runCli(
      [...ARGS, "--sign-in", "--start-url", "https://d-1234567890.awsapps.com/start"],
      {
        env: ENV,
      },
    );
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr.trim()).to.equal(
      "error: option '--sign-in' is interactive: run it in a terminal, where you can approve the sign-in",
    );
  });

  it("needs --start-url; --start-url must be https; --start-url alone is an error", async () => {
    const noUrl = await runCli([...ARGS, "--sign-in"], { env: ENV });
    expect([noUrl.code, noUrl.stderr.trim()]).to.deep.equal([
      2,
      "error: option '--sign-in' needs '--start-url <url>' (the access portal URL)",
    ]);
    const http = await runCli([...ARGS, "--sign-in", "--start-url", "http://example.com/start"], {
      env: ENV,
    });
    expect(http.code).to.equal(2);
    expect(http.stderr).to.match(/--start-url.*must be the access portal's https URL/);
    const alone = await runCli([...ARGS, "--start-url", "https://d-1234567890.awsapps.com/start"], {
      env: ENV,
    });
    expect([alone.code, alone.stderr.trim()]).to.deep.equal([
      2,
      "error: options '--start-url' and '--permission-set' go with '--sign-in'",
    ]);
  });
});
