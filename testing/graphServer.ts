// Stands in for Microsoft Graph v1.0 on 127.0.0.1: serves a tenant (./graphTenant) to the requests the CLI
// makes, with Graph's answer shapes (`{"@odata.context", value, "@odata.nextLink"}` pages, `{"error": {code,
// message, innerError}}` errors, 429 with Retry-After), and records every request. Point the CLI at it with
// MS_GRAPH_ENDPOINT=<endpoint> and MS_GRAPH_TOKEN=<token>; any other bearer token is refused with 401.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { emptyTenant, type GraphTenant, type TenantServicePrincipal, type TenantUser } from "./graphTenant";

export const GRAPH_TEST_TOKEN = "graph-test-token";

export interface GraphRequest {
  method: string;
  /** Path and query under /v1.0, decoded. */
  path: string;
  authorization: string | undefined;
}

export interface GraphThrottle {
  /** How many of the next matching requests are refused. */
  remaining: number;
  status: 429 | 503;
  /** The Retry-After header, in seconds (as Graph sends it). */
  retryAfter: string;
  /** Only requests whose path matches (default: all). */
  path?: RegExp;
}

export interface GraphServer {
  /** For MS_GRAPH_ENDPOINT. */
  endpoint: string;
  /** The env that points the CLI here. */
  env: { MS_GRAPH_ENDPOINT: string; MS_GRAPH_TOKEN: string };
  tenant: GraphTenant;
  requests: GraphRequest[];
  /** Items per page of every collection (Graph's default page size is 100 for most). */
  pageSize: number;
  throttle?: GraphThrottle;
  /** Paths answered 403 Authorization_RequestDenied. */
  forbidden: RegExp[];
  reset(tenant?: GraphTenant): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const VERSION_PREFIX = "/v1.0";

function graphError(status: number, code: string, message: string): Answer {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: "2026-12-02T12:00:00",
          "request-id": "4f3e1a4c-7d1b-4c0e-9a51-2b8f0d6e9c11",
          "client-request-id": "4f3e1a4c-7d1b-4c0e-9a51-2b8f0d6e9c11",
        },
      },
    },
  };
}

const notFound = (what: string) =>
  graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** `$select`: only the selected properties (and the id), as Graph returns them. */
function project(entity: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (!select) return { ...entity };
  const fields = new Set(["id", ...select.split(",")]);
  return Object.fromEntries(Object.entries(entity).filter(([key]) => fields.has(key)));
}

/** The values a `$filter` compares with `eq` (string literals, '' escaping undone), by property. */
function equalities(filter: string): { property: string; value: string }[] {
  return [...filter.matchAll(/(\w+)\s+eq\s+'((?:[^']|'')*)'/g)].map((match) => ({
    property: match[1],
    value: match[2].replace(/''/g, "'"),
  }));
}

export function startGraphServer(tenant: GraphTenant = emptyTenant()): Promise<GraphServer> {
  const state: GraphServer = {
    endpoint: "",
    env: { MS_GRAPH_ENDPOINT: "", MS_GRAPH_TOKEN: GRAPH_TEST_TOKEN },
    tenant,
    requests: [],
    pageSize: 100,
    forbidden: [],
    reset(next = emptyTenant()) {
      state.tenant = next;
      state.requests = [];
      state.pageSize = 100;
      state.throttle = undefined;
      state.forbidden = [];
    },
    close: async () => undefined,
  };

  const page = (context: string, items: unknown[], url: URL): Answer => {
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const body: Record<string, unknown> = {
      "@odata.context": `${state.endpoint}${VERSION_PREFIX}/$metadata#${context}`,
      value: items.slice(skip, skip + state.pageSize),
    };
    if (skip + state.pageSize < items.length) {
      const next = new URL(url);
      next.searchParams.set("$skiptoken", String(skip + state.pageSize));
      body["@odata.nextLink"] = `${state.endpoint}${next.pathname}${next.search}`;
    }
    return { status: 200, body };
  };

  const servicePrincipal = (id: string): TenantServicePrincipal | undefined =>
    state.tenant.servicePrincipals.find((sp) => sp.id === id);

  /** Users in a group and its nested groups, each once. */
  const transitiveUsers = (groupId: string, seen = new Set<string>()): TenantUser[] => {
    const group = state.tenant.groups.find(({ id }) => id === groupId);
    if (!group || seen.has(groupId)) return [];
    seen.add(groupId);
    const users = new Map<string, TenantUser>();
    for (const member of group.members) {
      const user = state.tenant.users.find(({ id }) => id === member);
      if (user) users.set(user.id, user);
      for (const nested of transitiveUsers(member, seen)) users.set(nested.id, nested);
    }
    return [...users.values()];
  };

  function answer(url: URL): Answer {
    const path = url.pathname.slice(VERSION_PREFIX.length);
    const select = url.searchParams.get("$select");
    const filter = url.searchParams.get("$filter") ?? "";
    let match: RegExpExecArray | null;

    if (path === "/servicePrincipals") {
      const wanted = equalities(filter);
      const prefix = /startswith\(displayName,\s*'((?:[^']|'')*)'\)/i.exec(filter)?.[1]?.replace(/''/g, "'");
      const matching = state.tenant.servicePrincipals.filter(
        (sp) =>
          wanted.every(
            ({ property, value }) => (sp as unknown as Record<string, unknown>)[property] === value,
          ) &&
          (prefix === undefined || sp.displayName.toLowerCase().startsWith(prefix.toLowerCase())),
      );
      const items = matching.map(({ id, appId, displayName, servicePrincipalType }) =>
        project(
          {
            id,
            appId,
            displayName,
            appDisplayName: displayName,
            servicePrincipalType,
            accountEnabled: true,
            tags: ["WindowsAzureActiveDirectoryIntegratedApp"],
          },
          select,
        ),
      );
      return page("servicePrincipals", items, url);
    }
    if ((match = /^\/servicePrincipals\/([^/]+)\/synchronization\/jobs\/?$/.exec(path))) {
      const sp = servicePrincipal(match[1]);
      if (!sp) return notFound(match[1]);
      return page(`servicePrincipals('${sp.id}')/synchronization/jobs`, sp.jobs, url);
    }
    if ((match = /^\/servicePrincipals\/([^/]+)\/synchronization\/jobs\/([^/]+)\/schema$/.exec(path))) {
      const schema = servicePrincipal(match[1])?.schemas[match[2]];
      if (!schema) return notFound(match[2]);
      return {
        status: 200,
        body: {
          "@odata.context": `${state.endpoint}${VERSION_PREFIX}/$metadata#servicePrincipals('${match[1]}')/synchronization/jobs('${match[2]}')/schema/$entity`,
          ...schema,
        },
      };
    }
    if ((match = /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(path))) {
      const sp = servicePrincipal(match[1]);
      if (!sp) return notFound(match[1]);
      return page(`servicePrincipals('${sp.id}')/appRoleAssignedTo`, sp.appRoleAssignedTo, url);
    }
    if ((match = /^\/servicePrincipals\/([^/]+)\/claimsMappingPolicies$/.exec(path))) {
      const sp = servicePrincipal(match[1]);
      if (!sp) return notFound(match[1]);
      return page("Collection(microsoft.graph.claimsMappingPolicy)", sp.claimsMappingPolicies, url);
    }
    if (path === "/users") {
      const wanted = equalities(filter);
      const matching = state.tenant.users.filter(
        (user) =>
          wanted.length === 0 ||
          wanted.some(
            ({ property, value }) => String(user[property] ?? "").toLowerCase() === value.toLowerCase(),
          ),
      );
      return page(
        `users(${select ?? ""})`,
        matching.map((user) => project(user, select)),
        url,
      );
    }
    if ((match = /^\/users\/([^/]+)$/.exec(path))) {
      const key = match[1].toLowerCase();
      const user = state.tenant.users.find(
        (candidate) => candidate.id === match![1] || candidate.userPrincipalName.toLowerCase() === key,
      );
      if (!user) return notFound(match[1]);
      return {
        status: 200,
        body: {
          "@odata.context": `${state.endpoint}${VERSION_PREFIX}/$metadata#users(${select ?? ""})/$entity`,
          ...project(user, select),
        },
      };
    }
    if ((match = /^\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(path))) {
      if (!state.tenant.groups.some(({ id }) => id === match![1])) return notFound(match[1]);
      const users = transitiveUsers(match[1]).map((user) => ({
        "@odata.type": "#microsoft.graph.user",
        ...project(user, select),
      }));
      return page(`users(${select ?? ""})`, users, url);
    }
    return graphError(400, "BadRequest", `Resource not found for the segment '${path.split("/")[1] ?? ""}'.`);
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    state.requests.push({
      method: request.method ?? "",
      path: decodeURIComponent(`${url.pathname.slice(VERSION_PREFIX.length)}${url.search}`),
      authorization: request.headers.authorization,
    });
    const path = url.pathname.slice(VERSION_PREFIX.length);
    let result: Answer;
    if (request.method !== "GET") {
      result = graphError(
        405,
        "Request_BadRequest",
        `The test server answers GET only, not ${request.method}.`,
      );
    } else if (!url.pathname.startsWith(`${VERSION_PREFIX}/`)) {
      result = graphError(400, "BadRequest", `Invalid version: ${url.pathname.split("/")[1]}`);
    } else if (request.headers.authorization !== `Bearer ${state.env.MS_GRAPH_TOKEN}`) {
      result = graphError(
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
      );
    } else if (state.throttle && state.throttle.remaining > 0 && (state.throttle.path?.test(path) ?? true)) {
      state.throttle.remaining -= 1;
      result = {
        ...graphError(
          state.throttle.status,
          state.throttle.status === 429 ? "TooManyRequests" : "ServiceUnavailable",
          "Please retry again later.",
        ),
        headers: { "retry-after": state.throttle.retryAfter },
      };
    } else if (state.forbidden.some((pattern) => pattern.test(path))) {
      result = graphError(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
    } else {
      result = answer(url);
    }
    response
      .writeHead(result.status, {
        "content-type": "application/json; odata.metadata=minimal",
        ...result.headers,
      })
      .end(JSON.stringify(result.body));
  });

  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      state.env.MS_GRAPH_ENDPOINT = state.endpoint;
      state.close = () => {
        server.closeAllConnections();
        return new Promise((done) => server.close(() => done()));
      };
      resolve(state);
    });
  });
}
