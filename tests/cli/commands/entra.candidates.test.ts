// `ssm-runas entra candidates` through the real bin against the loopback Graph server.
import { expect } from "chai";
import { runCli, stackTraceLines } from "../../support/cli";
import { startGraphServer, type GraphServer } from "../../../testing/graphServer";
import {
  assign,
  emptyTenant,
  guid,
  identityCenterApp,
  identityCenterSchema,
  tenantUser,
  type GraphTenant,
  type TenantServicePrincipal,
} from "../../../testing/graphTenant";

const EXTENSION = "extension_0123456789abcdef0123456789abcdef_linuxUser";

describe("ssm-runas entra candidates (Graph test server)", function () {
  this.timeout(60_000);
  let server: GraphServer;
  let tenant: GraphTenant;
  let app: TenantServicePrincipal;

  before(async () => {
    server = await startGraphServer();
  });
  after(() => server.close());

  beforeEach(() => {
    // Engineers: two through a group, two more through a nested group, one assigned directly, one in the
    // tenant but not assigned (never counted).
    tenant = emptyTenant();
    app = identityCenterApp({ schema: identityCenterSchema({}, [EXTENSION]) });
    const ext = (value: string) => ({ [EXTENSION]: value });
    const users = [
      tenantUser("alice@example.com", {
        onPremisesSamAccountName: "alice",
        employeeId: "E1001",
        ...ext("alice"),
      }),
      tenantUser("bob@example.com", { onPremisesSamAccountName: "bob", employeeId: null, ...ext("bob") }),
      tenantUser("carol@example.com", {
        onPremisesSamAccountName: "carol",
        mailNickname: "carol",
        ...ext("root"),
      }),
      tenantUser("dave@example.com", {
        onPremisesSamAccountName: "carol",
        mailNickname: "dave",
        onPremisesExtensionAttributes: { extensionAttribute1: "dave" },
      }),
      tenantUser("erin@example.com", { onPremisesSamAccountName: "erin", mailNickname: "erin" }),
      tenantUser("mallory@example.com", { onPremisesSamAccountName: "mallory" }),
    ];
    const nested = { id: guid(), displayName: "SRE on-call", members: [users[2].id, users[3].id] };
    const engineers = {
      id: guid(),
      displayName: "Engineers",
      members: [users[0].id, users[1].id, nested.id],
    };
    tenant.users.push(...users);
    tenant.groups.push(engineers, nested);
    tenant.servicePrincipals.push(app);
    assign(app, [engineers, users[4], users[0]]);
    server.reset(tenant);
  });

  const run = async (args: string[] = []) => {
    const result = await runCli(["entra", "candidates", ...args], { env: server.env });
    expect(stackTraceLines(result.stderr)).to.deep.equal([]);
    expect(server.requests.filter(({ method }) => method !== "GET")).to.deep.equal([]);
    return result;
  };

  it("weighs each attribute over the assigned users, groups expanded transitively, most usable first", async () => {
    server.pageSize = 2;
    const result = await run(["--json"]);
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout);
    expect(report).to.deep.include({ users: 5, groups: 1 });
    const row = (attribute: string) =>
      report.results.find((r: { attribute: string }) => r.attribute === attribute);
    expect(report.results[0].attribute).to.equal("mailNickname");
    expect(row("mailNickname")).to.deep.equal({
      attribute: "mailNickname",
      ok: 3,
      missing: 2,
      invalid: 0,
      duplicate: 0,
      usable: "60.0%",
    });
    expect(row("onPremisesSamAccountName")).to.deep.include({ ok: 3, missing: 0, invalid: 0, duplicate: 2 });
    expect(row("employeeId")).to.deep.include({ ok: 0, missing: 4, invalid: 1 });
    expect(row(EXTENSION)).to.deep.include({ ok: 2, missing: 2, invalid: 1 });
    expect(row("extensionAttribute1")).to.deep.include({ ok: 1, missing: 4 });
    expect(row("extensionAttribute15")).to.deep.include({ ok: 0, missing: 5, usable: "0.0%" });
    expect(server.requests.some(({ path }) => path.includes("$skiptoken"))).to.equal(true);
  });

  it("lists the worst offenders with --show-users", async () => {
    const result = await run(["--show-users", "5", "--extension", "linuxUser"]);
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).to.match(/^ATTRIBUTE\s+USABLE\s+OK\s+MISSING\s+INVALID\s+DUPLICATE$/);
    expect(result.stdout).to.match(/^onPremisesSamAccountName\s+60\.0%\s+3\s+0\s+0\s+2$/m);
    expect(result.stdout).to.include("\nusers 5  groups 1\n");
    expect(result.stdout).to.match(
      /^onPremisesSamAccountName\s+carol@example\.com\s+DUPLICATE\s+carol\s+also the value of dave@example\.com$/m,
    );
    expect(result.stdout).to.match(
      /^employeeId\s+alice@example\.com\s+INVALID\s+E1001\s+not a Linux user name/m,
    );
    expect(result.stdout).to.match(
      new RegExp(`^${EXTENSION}\\s+carol@example\\.com\\s+INVALID\\s+root\\s+root is refused`, "m"),
    );
    expect(result.stdout).not.to.include("mallory");
  });

  it("honours 429 Retry-After while reading members", async () => {
    server.throttle = { remaining: 1, status: 429, retryAfter: "1", path: /transitiveMembers/ };
    const result = await run(["--json"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout).users).to.equal(5);
    expect(server.requests.filter(({ path }) => path.includes("transitiveMembers"))).to.have.length(2);
  });

  it("bad input and refusals: one line, exit 2", async () => {
    const unknown = await run(["--extension", "badge"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal(
      "error: option '--extension badge': no directory extension attributes named extension_<appid>_badge in the provisioning schema; pass the full name extension_<appid>_badge\n",
    );
    server.forbidden = [/^\/groups\//];
    const forbidden = await run();
    expect(forbidden.code).to.equal(2);
    expect(forbidden.stderr).to.match(
      /^ssm-runas: entra candidates failed: Microsoft Graph refused GET \/groups\/[^ ]+\/transitiveMembers\/microsoft\.graph\.user \(403 Authorization_RequestDenied: Insufficient privileges to complete the operation\.\): the credential needs the read permission GroupMember\.Read\.All\n$/,
    );
  });
});
