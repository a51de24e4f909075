// `ssm-runas entra mapping` through the real bin against the loopback Graph server: it prints the mapping,
// writes the updated schema and the az rest command, and sends Graph nothing but GETs.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { classifyMapping, type SynchronizationSchema } from "../../../cli/graph/schema";
import { runCli, stackTraceLines } from "../../support/cli";
import { startGraphServer, type GraphServer } from "../../../testing/graphServer";
import {
  emptyTenant,
  identityCenterApp,
  provisioningJob,
  type TenantServicePrincipal,
} from "../../../testing/graphTenant";

const EMPLOYEE_NUMBER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";

describe("ssm-runas entra mapping (Graph test server)", function () {
  this.timeout(60_000);
  let server: GraphServer;
  let app: TenantServicePrincipal;
  let dir: string;

  before(async () => {
    server = await startGraphServer();
  });
  after(() => server.close());
  beforeEach(() => {
    const tenant = emptyTenant();
    app = identityCenterApp();
    tenant.servicePrincipals.push(app);
    server.reset(tenant);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-mapping-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const result = await runCli(["entra", "mapping", ...args], { env: server.env });
    expect(stackTraceLines(result.stderr)).to.deep.equal([]);
    expect(server.requests.length).to.be.greaterThan(0);
    expect(server.requests.filter(({ method }) => method !== "GET")).to.deep.equal([]);
    return result;
  };

  it("prints the mapping, writes the whole schema with it and the az rest command (never a write)", async () => {
    const output = path.join(dir, "schema.json");
    const result = await run(["--stack", "dev", "--source", "employeeId", "--output", output]);
    expect(result.code, result.stderr).to.equal(0);
    const jobId = app.jobs[0].id;
    const fragment = {
      defaultValue: null,
      exportMissingReferences: false,
      flowBehavior: "FlowWhenChanged",
      flowType: "Always",
      matchingPriority: 0,
      source: { expression: "[employeeId]", name: "employeeId", parameters: [], type: "Attribute" },
      targetAttributeName: EMPLOYEE_NUMBER,
    };
    expect(result.stdout).to.equal(
      `The user mapping of ${app.displayName} (job ${jobId}) to add, or to replace the one of ${EMPLOYEE_NUMBER}:\n` +
        `${JSON.stringify(fragment, null, 2)}\n\n` +
        `The whole schema with it: ${output}\n` +
        "Review it, then apply it (this command changed nothing in Entra ID):\n" +
        `  az rest --method put --url ${server.endpoint}/v1.0/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema ` +
        `--headers Content-Type=application/json --body @${output}\n` +
        "Then restart provisioning so every user is provisioned again, and run ssm-runas entra check.\n",
    );
    const written = JSON.parse(fs.readFileSync(output, "utf8")) as SynchronizationSchema;
    expect(written).not.to.have.property("@odata.context");
    expect(classifyMapping(written, EMPLOYEE_NUMBER).kind).to.equal("DIRECT");
    const original = app.schemas[jobId];
    const users = (schema: SynchronizationSchema) =>
      schema.synchronizationRules[0].objectMappings[0].attributeMappings;
    expect(users(written).slice(0, -1)).to.deep.equal(users(original));
    expect(users(written).at(-1)).to.deep.equal(fragment);
    expect(fs.readdirSync(dir)).to.deep.equal(["schema.json"]);
  });

  it("replaces an existing mapping, keeping its matching priority", async () => {
    const output = path.join(dir, "user name.json");
    const result = await run([
      "--abac-source",
      "${path:userName}",
      "--source",
      "mailNickname",
      "--output",
      output,
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include(`--body @'${output}'`);
    const written = JSON.parse(fs.readFileSync(output, "utf8")) as SynchronizationSchema;
    const userName = written.synchronizationRules[0].objectMappings[0].attributeMappings.filter(
      ({ targetAttributeName }) => targetAttributeName === "userName",
    );
    expect(userName).to.have.length(1);
    expect(userName[0]).to.deep.include({
      matchingPriority: 1,
      source: { expression: "[mailNickname]", name: "mailNickname", parameters: [], type: "Attribute" },
    });
  });

  it("bad input: one line naming the option, exit 2, no file", async () => {
    const output = path.join(dir, "schema.json");
    const unknown = await run(["--stack", "dev", "--source", "shoeSize", "--output", output]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal(
      "error: option '--source shoeSize': not an attribute of Entra ID users in the provisioning schema (e.g. onPremisesSamAccountName, employeeId, mailNickname, extensionAttribute1)\n",
    );
    app.jobs.push(provisioningJob(app.id));
    app.jobs[1].id = "second.job";
    const several = await run(["--stack", "dev", "--source", "employeeId", "--output", output]);
    expect(several.code).to.equal(2);
    expect(several.stderr).to.equal(
      `error: ${app.displayName} has 2 provisioning jobs: pass --job <id> (one of ${app.jobs[0].id}, second.job)\n`,
    );
    const missing = await runCli(["entra", "mapping", "--stack", "dev"], { env: server.env });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.equal("error: required option '--source <attribute>' not specified\n");
    expect(fs.existsSync(output)).to.equal(false);
    // Refused before any Graph read: nothing is asked of Entra for a file that cannot be written.
    server.requests.length = 0;
    const nowhere = path.join(dir, "no-such-folder", "schema.json");
    const unwritable = await runCli(
      ["entra", "mapping", "--stack", "dev", "--source", "employeeId", "--output", nowhere],
      { env: server.env },
    );
    expect(unwritable.code).to.equal(2);
    expect(unwritable.stderr).to.equal(
      `error: option '--output ${nowhere}': folder ${path.dirname(nowhere)} does not exist\n`,
    );
    expect(server.requests).to.deep.equal([]);
  });
});
