// The Graph edge against the loopback Graph server: paging, throttling, the one line each refusal becomes.
import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  graphClient,
  graphEndpoint,
  graphErrorMessage,
  readScopeFor,
  retryDelayMs,
  type GraphClient,
} from "../../../cli/graph/client";
import { startGraphServer, GRAPH_TEST_TOKEN, type GraphServer } from "../../../testing/graphServer";
import { emptyTenant, identityCenterApp, tenantUser } from "../../../testing/graphTenant";

describe("cli/graph: client", () => {
  let server: GraphServer;
  let waits: number[];
  let graph: GraphClient;

  before(async () => {
    server = await startGraphServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    waits = [];
    graph = graphClient({
      endpoint: server.endpoint,
      token: () => Promise.resolve(GRAPH_TEST_TOKEN),
      retry: { attempts: 3, maxWaitMs: 5_000 },
      sleep: async (ms) => void waits.push(ms),
    });
  });

  it("follows @odata.nextLink until the last page, with the bearer token on every request", async () => {
    server.tenant = emptyTenant();
    server.tenant.users = Array.from({ length: 7 }, (_, i) => tenantUser(`user${i}@example.com`));
    server.pageSize = 3;
    const names: string[] = [];
    for await (const user of graph.list<{ userPrincipalName: string }>("/users?$select=userPrincipalName")) {
      names.push(user.userPrincipalName);
    }
    expect(names).to.deep.equal(server.tenant.users.map(({ userPrincipalName }) => userPrincipalName));
    expect(server.requests).to.have.length(3);
    expect(server.requests.map(({ path }) => path)).to.deep.equal([
      "/users?$select=userPrincipalName",
      "/users?$select=userPrincipalName&$skiptoken=3",
      "/users?$select=userPrincipalName&$skiptoken=6",
    ]);
    expect(new Set(server.requests.map(({ authorization }) => authorization))).to.deep.equal(
      new Set([`Bearer ${GRAPH_TEST_TOKEN}`]),
    );
  });

  it("waits what Retry-After says on 429 and 503, then gets the answer", async () => {
    const app = identityCenterApp();
    server.tenant.servicePrincipals.push(app);
    server.throttle = { remaining: 2, status: 429, retryAfter: "2" };
    const jobs = graph.list(`/servicePrincipals/${app.id}/synchronization/jobs`);
    const listed: unknown[] = [];
    for await (const job of jobs) listed.push(job);
    expect(listed).to.have.length(1);
    expect(waits).to.deep.equal([2000, 2000]);
    expect(server.requests).to.have.length(3);

    server.throttle = { remaining: 1, status: 503, retryAfter: "1" };
    waits = [];
    await graph.get(`/servicePrincipals/${app.id}/synchronization/jobs`);
    expect(waits).to.deep.equal([1000]);
  });

  it("gives up after its attempts with one line naming the request", async () => {
    server.throttle = { remaining: 10, status: 429, retryAfter: "1" };
    const err = await graph.get("/servicePrincipals?$filter=appId eq 'x'").catch((e: Error) => e);
    expect((err as Error).message).to.equal(
      "Microsoft Graph answered GET /servicePrincipals with 429 TooManyRequests: Please retry again later. (gave up after 3 attempts)",
    );
    expect(waits).to.have.length(2);
  });

  it("names the missing read permission on 403", async () => {
    const app = identityCenterApp();
    server.tenant.servicePrincipals.push(app);
    server.forbidden = [/synchronization/];
    const err = (await graph
      .get(`/servicePrincipals/${app.id}/synchronization/jobs`)
      .catch((e) => e)) as Error;
    expect(err.message).to.equal(
      `Microsoft Graph refused GET /servicePrincipals/${app.id}/synchronization/jobs (403 Authorization_RequestDenied: ` +
        "Insufficient privileges to complete the operation.): the credential needs the read permission Synchronization.Read.All",
    );
  });

  it("says to sign in again when the token is refused (401)", async () => {
    const stale = graphClient({ endpoint: server.endpoint, token: () => Promise.resolve("stale") });
    const err = (await stale.get("/users").catch((e) => e)) as Error;
    expect(err.message).to.match(
      /^Microsoft Graph did not accept the credential for GET \/users \(401 InvalidAuthenticationToken/,
    );
    expect(err.message).to.match(/az login\) or set MS_GRAPH_TOKEN$/);
  });

  it("names the endpoint it cannot reach", async () => {
    const closed = await startGraphServer();
    await closed.close();
    const offline = graphClient({ endpoint: closed.endpoint, token: () => Promise.resolve("t") });
    const err = (await offline.get("/users").catch((e) => e)) as Error;
    expect(err.message).to.equal(`cannot reach Microsoft Graph at ${closed.endpoint}: ECONNREFUSED`);
  });

  it("does not follow an @odata.nextLink to another origin, so the token stays with the endpoint", async () => {
    const foreign: string[] = [];
    const thief = http.createServer((request, response) => {
      foreign.push(String(request.headers.authorization));
      response.end('{"value":[]}');
    });
    await new Promise<void>((resolve) => thief.listen(0, "127.0.0.1", resolve));
    const thiefOrigin = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`;
    const pages = http.createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ value: [1], "@odata.nextLink": `${thiefOrigin}/v1.0/users?$skiptoken=1` }),
      );
    });
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    try {
      const client = graphClient({ endpoint, token: () => Promise.resolve(GRAPH_TEST_TOKEN) });
      const listed: unknown[] = [];
      const err = (await (async () => {
        for await (const item of client.list("/users")) listed.push(item);
      })().catch((e) => e)) as Error;
      expect(listed).to.deep.equal([1]);
      expect(err.message).to.equal(
        `Microsoft Graph at ${endpoint} sent a next page on another origin (${thiefOrigin}): not followed`,
      );
      expect(foreign).to.deep.equal([]);
    } finally {
      pages.close();
      thief.close();
    }
  });

  it("refuses an http: endpoint that is not this machine: the token would cross the network in clear text", () => {
    expect(graphEndpoint("http://127.0.0.1:8080")).to.equal("http://127.0.0.1:8080");
    expect(graphEndpoint("http://localhost:8080/")).to.equal("http://localhost:8080");
    expect(graphEndpoint("http://[::1]:8080")).to.equal("http://[::1]:8080");
    expect(() => graphEndpoint("http://10.0.0.5:8080")).to.throw(
      "MS_GRAPH_ENDPOINT http://10.0.0.5:8080 must be https: (http: only for localhost, 127.0.0.0/8 or [::1]), or the token would cross the network in clear text",
    );
    expect(() => graphEndpoint("http://graph.microsoft.com")).to.throw("must be https:");
  });

  it("reads MS_GRAPH_ENDPOINT: default the global cloud, a trailing slash dropped, a non-URL refused", () => {
    expect(graphEndpoint(undefined)).to.equal("https://graph.microsoft.com");
    expect(graphEndpoint("https://microsoftgraph.chinacloudapi.cn/")).to.equal(
      "https://microsoftgraph.chinacloudapi.cn",
    );
    expect(() => graphEndpoint("graph.microsoft.com")).to.throw(
      "MS_GRAPH_ENDPOINT graph.microsoft.com is not an http(s) URL such as https://graph.microsoft.com",
    );
    expect(graphClient({ endpoint: "https://graph.microsoft.us", token: async () => "t" }).baseUrl).to.equal(
      "https://graph.microsoft.us/v1.0",
    );
  });
});

describe("cli/graph: pure helpers", () => {
  const policy = { attempts: 5, maxWaitMs: 30_000 };

  it("retryDelayMs: Retry-After in seconds or as a date, bounded; backoff without it", () => {
    expect(retryDelayMs("3", 1, policy)).to.equal(3000);
    expect(retryDelayMs("600", 1, policy)).to.equal(30_000);
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(retryDelayMs("Wed, 02 Dec 2026 12:00:05 GMT", 1, policy, now)).to.equal(5000);
    expect(retryDelayMs(null, 1, policy)).to.equal(1000);
    expect(retryDelayMs(null, 3, policy)).to.equal(4000);
    expect(retryDelayMs("soon", 2, policy)).to.equal(2000);
  });

  it("readScopeFor: the permission each kind of read needs", () => {
    expect(readScopeFor("/servicePrincipals?$filter=x")).to.equal("Application.Read.All");
    expect(readScopeFor("/servicePrincipals/1/appRoleAssignedTo")).to.equal("Application.Read.All");
    expect(readScopeFor("/servicePrincipals/1/synchronization/jobs/j/schema")).to.equal(
      "Synchronization.Read.All",
    );
    expect(readScopeFor("/servicePrincipals/1/claimsMappingPolicies")).to.equal("Policy.Read.All");
    expect(readScopeFor("/users/a@example.com?$select=id")).to.equal("User.Read.All");
    expect(readScopeFor("/groups/g/transitiveMembers/microsoft.graph.user")).to.equal("GroupMember.Read.All");
    expect(readScopeFor("/me")).to.equal(undefined);
  });

  it("graphErrorMessage: Graph's code and message on one line, or the status alone", () => {
    expect(
      graphErrorMessage(404, "/users/x?$select=id", {
        error: { code: "Request_ResourceNotFound", message: "Resource\n'x' does not exist." },
      }),
    ).to.equal(
      "Microsoft Graph answered GET /users/x with 404 Request_ResourceNotFound: Resource 'x' does not exist.",
    );
    expect(graphErrorMessage(500, "/users", undefined)).to.equal(
      "Microsoft Graph answered GET /users with 500 HTTP 500",
    );
  });
});
