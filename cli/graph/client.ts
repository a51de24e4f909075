// The Microsoft Graph edge: GET only, v1.0, one bearer token, paging and throttling handled once for every
// command. MS_GRAPH_ENDPOINT (default https://graph.microsoft.com, or a national cloud's) is the base URL and
// MS_GRAPH_TOKEN, when set, a static bearer token: that is how tests point the CLI at a loopback server.
// Without MS_GRAPH_TOKEN the token comes from @azure/identity's DefaultAzureCredential (az login, environment
// variables, workload identity), loaded only when a Graph command runs so other commands don't pay for it.

export const DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com";
export const GRAPH_VERSION = "v1.0";

/** The read permission each kind of request needs, for the one line a 403 becomes. */
const READ_SCOPES: { pattern: RegExp; scope: string }[] = [
  { pattern: /^\/servicePrincipals\/[^/]+\/synchronization\//, scope: "Synchronization.Read.All" },
  { pattern: /^\/servicePrincipals\/[^/]+\/claimsMappingPolicies/, scope: "Policy.Read.All" },
  { pattern: /^\/servicePrincipals/, scope: "Application.Read.All" },
  { pattern: /^\/groups\//, scope: "GroupMember.Read.All" },
  { pattern: /^\/users/, scope: "User.Read.All" },
];

/** Pure: the read permission a GET of `path` (relative to the version, with or without a query) needs. */
export function readScopeFor(path: string): string | undefined {
  const bare = path.split("?")[0];
  return READ_SCOPES.find(({ pattern }) => pattern.test(bare))?.scope;
}

/** A refused Graph request, described in one line. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "GraphError";
  }
}

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

/** Pure: the one line a Graph error answer becomes; a 403 names the read permission the request needs. */
export function graphErrorMessage(status: number, path: string, body: GraphErrorBody | undefined): string {
  const code = body?.error?.code ?? `HTTP ${status}`;
  const message = (body?.error?.message ?? "").replace(/\s+/g, " ").trim();
  const said = message ? `${code}: ${message}` : code;
  const request = `GET ${path.split("?")[0]}`;
  if (status === 403) {
    const scope = readScopeFor(path);
    return `Microsoft Graph refused ${request} (403 ${said})${
      scope ? `: the credential needs the read permission ${scope}` : ""
    }`;
  }
  if (status === 401) {
    return `Microsoft Graph did not accept the credential for ${request} (401 ${said}): sign in again (az login) or set MS_GRAPH_TOKEN`;
  }
  return `Microsoft Graph answered ${request} with ${status} ${said}`;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The longest wait honoured from a Retry-After header, and the cap of the backoff without one. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, maxWaitMs: 60_000 };

/**
 * Pure: how long to wait before retrying a throttled (429) or unavailable (503, 504) answer: its Retry-After
 * (seconds, or an HTTP date) within the bound, else exponential backoff from one second.
 */
export function retryDelayMs(
  retryAfter: string | null,
  attempt: number,
  policy: RetryPolicy,
  now = Date.now(),
): number {
  let ms: number | undefined;
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isNaN(ms)) ms = undefined;
  }
  const wait = ms ?? 1000 * 2 ** (attempt - 1);
  return Math.min(policy.maxWaitMs, Math.max(0, wait));
}

const RETRYABLE_STATUSES = new Set([429, 503, 504]);

export type TokenSource = () => Promise<string>;

/** A static token, or DefaultAzureCredential's for `<endpoint>/.default` (renewed a minute before it expires). */
export function tokenSource(endpoint: string, staticToken = process.env.MS_GRAPH_TOKEN): TokenSource {
  if (staticToken) return () => Promise.resolve(staticToken);
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  return async () => {
    if (cached && cached.expiresOnTimestamp - 60_000 > Date.now()) return cached.token;
    const { DefaultAzureCredential } = await import("@azure/identity");
    const signIn = `sign in (az login, or AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret or workload identity) or set MS_GRAPH_TOKEN`;
    const token = await new DefaultAzureCredential().getToken(`${endpoint}/.default`).catch((err: Error) => {
      // The credential chain's message lists every credential it tried, over a thousand characters: its first is enough.
      const first = err.message.split(/\.\s|\n/)[0].slice(0, 200);
      throw new Error(`no Microsoft Graph token for ${endpoint}/.default: ${signIn} (${first})`);
    });
    if (!token) throw new Error(`no Microsoft Graph token for ${endpoint}/.default: ${signIn}`);
    cached = token;
    return token.token;
  };
}

export interface GraphClient {
  /** `https://graph.microsoft.com/v1.0`, or the national cloud's / the test server's. */
  readonly baseUrl: string;
  /** GET one resource; `path` is relative to the version (`/servicePrincipals?$filter=…`). */
  get<T>(path: string): Promise<T>;
  /** GET a collection, following `@odata.nextLink` page after page. */
  list<T>(path: string): AsyncIterable<T>;
  /** The whole collection `list` walks, in order. */
  listAll<T>(path: string): Promise<T[]>;
}

export interface GraphClientOptions {
  endpoint?: string;
  token?: TokenSource;
  retry?: RetryPolicy;
  /** Waits between retries (tests may count them). */
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The endpoint MS_GRAPH_ENDPOINT names (default the global cloud's), without a trailing slash. */
export function graphEndpoint(value = process.env.MS_GRAPH_ENDPOINT): string {
  const endpoint = (value || DEFAULT_GRAPH_ENDPOINT).replace(/\/+$/, "");
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error(`MS_GRAPH_ENDPOINT ${value} is not an http(s) URL such as ${DEFAULT_GRAPH_ENDPOINT}`);
  }
  // The bearer token goes to this endpoint: in clear text only to this machine (a test server).
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new Error(
      `MS_GRAPH_ENDPOINT ${value} must be https: (http: only for localhost, 127.0.0.0/8 or [::1]), or the token would cross the network in clear text`,
    );
  }
  return endpoint;
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

export function graphClient(options: GraphClientOptions = {}): GraphClient {
  const endpoint = graphEndpoint(options.endpoint);
  const baseUrl = `${endpoint}/${GRAPH_VERSION}`;
  const token = options.token ?? tokenSource(endpoint);
  const retry = options.retry ?? DEFAULT_RETRY;
  const wait = options.sleep ?? sleep;

  // `target` is a path under the version or an absolute @odata.nextLink; `path` is what messages name.
  async function getJson<T>(target: string): Promise<T> {
    const url = target.startsWith("http") ? target : `${baseUrl}${target}`;
    // An @odata.nextLink to another origin would take the bearer token with it: Graph never sends one.
    if (new URL(url).origin !== new URL(endpoint).origin) {
      throw new Error(
        `Microsoft Graph at ${endpoint} sent a next page on another origin (${new URL(url).origin}): not followed`,
      );
    }
    const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
    for (let attempt = 1; ; attempt++) {
      // Outside the try below: a missing credential is not an unreachable Graph.
      const bearer = await token();
      let response: Response;
      try {
        response = await fetch(url, {
          method: "GET",
          headers: {
            authorization: `Bearer ${bearer}`,
            accept: "application/json",
            // Graph's advanced queries (an OData cast such as /transitiveMembers/microsoft.graph.user) need
            // $count=true and this header together.
            ...(new URL(url).searchParams.get("$count") === "true" ? { consistencylevel: "eventual" } : {}),
          },
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(
          `cannot reach Microsoft Graph at ${endpoint}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
        );
      }
      if (response.ok) return (await response.json()) as T;
      const body = (await response.json().catch(() => undefined)) as GraphErrorBody | undefined;
      if (RETRYABLE_STATUSES.has(response.status) && attempt < retry.attempts) {
        await wait(retryDelayMs(response.headers.get("retry-after"), attempt, retry));
        continue;
      }
      const message = graphErrorMessage(response.status, path, body);
      throw new GraphError(
        response.status,
        RETRYABLE_STATUSES.has(response.status) ? `${message} (gave up after ${attempt} attempts)` : message,
      );
    }
  }

  async function* list<T>(path: string): AsyncIterable<T> {
    for (let next: string | undefined = path; next !== undefined;) {
      const page: { value: T[]; "@odata.nextLink"?: string } = await getJson(next);
      yield* page.value;
      next = page["@odata.nextLink"];
    }
  }

  return {
    baseUrl,
    get: getJson,
    list,
    async listAll<T>(path: string) {
      const all: T[] = [];
      for await (const item of list<T>(path)) all.push(item);
      return all;
    },
  };
}

/** An OData string literal: single-quoted, a quote inside doubled. */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
