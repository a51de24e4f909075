// `ssm-runas verify` while the stack is in break-glass: the real bin refuses before any AWS call, with one line
// and exit code 3; the same stack with RunAs on gets past that point and calls AWS.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { BREAK_GLASS_EXIT_CODE } from "../../../cli/verifySteps";
import { startAwsProxy, type AwsProxy } from "../../../testing/awsProxy";
import { motoEnvironment, startMoto } from "../../../testing/moto";
import { REPO_ROOT, runCli, stackTraceLines } from "../../support/cli";

describe("ssm-runas verify in break-glass", function () {
  this.timeout(60_000);
  let projectDir: string;
  let proxy: AwsProxy;
  let env: Record<string, string>;

  before(async () => {
    projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-verify-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
    fs.writeFileSync(path.join(projectDir, "Pulumi.on.yaml"), stringify(dev));
    dev.config["ssm-runas-sync:runAsEnabled"] = false;
    fs.writeFileSync(path.join(projectDir, "Pulumi.glass.yaml"), stringify(dev));
    const moto = await startMoto();
    proxy = await startAwsProxy(moto.endpoint);
    env = {
      ...motoEnvironment({ endpoint: proxy.endpoint, port: 0 }),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
  });

  after(async () => {
    await proxy.close();
    fs.rmSync(projectDir, { recursive: true, force: true });
  });

  beforeEach(() => proxy.requests.splice(0));

  const verify = (stack: string) =>
    runCli(
      [
        "verify",
        "--stack",
        stack,
        "--project-dir",
        projectDir,
        "--account",
        "111122223333",
        "--region",
        "eu-west-1",
        "--user",
        "alice@example.com",
      ],
      { env },
    );

  it("refuses with exit 3 and one line saying why, before any AWS call", async () => {
    const run = await verify("glass");
    expect(run.code).to.equal(BREAK_GLASS_EXIT_CODE);
    expect(run.stdout).to.equal("");
    expect(run.stderr.split("\n").filter(Boolean)).to.deep.equal([
      "ssm-runas verify: stack glass is in break-glass (runAsEnabled: false): RunAs is off by design, so verify " +
        "runs no check and no probe until runAsEnabled: true is rolled out; `ssm-runas audit` reports the " +
        "break-glass state",
    ]);
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    expect(proxy.requests).to.deep.equal([]);
  });

  it("runs for the same stack with RunAs on (control): it calls AWS and exits 0 or 1, never 3", async () => {
    const run = await verify("on");
    expect([0, 1]).to.include(run.code);
    expect(run.stdout).to.match(/^(PASS|FAIL) {2}ABAC maps SSMSessionRunAs/);
    expect(proxy.requests.length).to.be.greaterThan(0);
  });
});
