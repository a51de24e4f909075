// A replay of AWS for benches of many-account clients: each request is answered with the answer the emulator
// gave to the same request kind when it was recorded (through ./awsProxy's onExchange), after a fixed latency,
// from the bench's own process, so the client's process measures the client and not the emulator. The
// organisation replayed is a scaled copy of the recorded one (./scaledOrganization). A request kind is who
// signed it (the caller, or the account whose assumed-role key signed it), service, region, operation, method,
// path and body — so the replay needs no list of operations, and a request kind that was never recorded is
// refused at once, loudly (reported, and answered with an error the SDK does not retry), never left hanging.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { faultAnswer, recognize, signingScope, type AwsExchange } from "./awsProxy";
import {
  asTemplateRequest,
  clonesMentioned,
  expandListing,
  PAGE_TOKEN_PREFIX,
  substitute,
  type CloneAccount,
  type Paging,
  type ScaledOrganization,
} from "./scaledOrganization";

export interface RecordedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Recording {
  /** Request kind (`requestKind`) → the answer the emulator gave. */
  answers: Map<string, RecordedAnswer>;
  /** Access key ids handed out by AssumeRole answers → the account they sign for. */
  accessKeys: Map<string, string>;
}

interface Call {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The signer of requests made with the caller's own credentials. */
export const CALLER = "caller";
export const NOT_RECORDED = "NotRecordedByReplay";

// Recomputed for each answer, or about a connection the replay does not share with the emulator.
const DROPPED_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "date"]);

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === "object"
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
        )
      : value;

const pageOffset = (token: unknown) =>
  typeof token === "string" && token.startsWith(PAGE_TOKEN_PREFIX)
    ? Number(token.slice(PAGE_TOKEN_PREFIX.length))
    : undefined;

/**
 * The body in a fixed key order, without the paging it asks for (MaxResults, and the replay's own page token):
 * the replay cuts its grown lists into pages itself.
 */
function canonicalBody(call: Call): { body: string; paging: Paging } {
  const contentType = String(call.headers["content-type"] ?? "");
  if (contentType.includes("json") && call.body.trim() !== "") {
    const fields = JSON.parse(call.body) as Record<string, unknown>;
    const offset = pageOffset(fields.NextToken);
    if (offset !== undefined) delete fields.NextToken;
    const maxResults = typeof fields.MaxResults === "number" ? fields.MaxResults : undefined;
    delete fields.MaxResults;
    return { body: JSON.stringify(sortKeys(fields)), paging: { offset, maxResults } };
  }
  if (contentType.includes("x-www-form-urlencoded")) {
    const fields = new URLSearchParams(call.body);
    const offset = pageOffset(fields.get("NextToken"));
    if (offset !== undefined) fields.delete("NextToken");
    fields.sort();
    const maxResults = fields.has("MaxResults") ? Number(fields.get("MaxResults")) : undefined;
    fields.delete("MaxResults");
    return { body: fields.toString(), paging: { offset, maxResults } };
  }
  return { body: call.body, paging: {} };
}

/**
 * What identifies a request kind: signer, service, region, the operation of JSON protocols (X-Amz-Target; query
 * protocols name it in the body, REST ones in method and path), method, path and canonical body.
 */
export function requestKind(signer: string, call: Call): { kind: string; paging: Paging } {
  const { service, region } = signingScope(call.headers);
  const target = String(call.headers["x-amz-target"] ?? "-");
  const { body, paging } = canonicalBody(call);
  return { kind: `${signer} ${service} ${region} ${target} ${call.method} ${call.path} ${body}`, paging };
}

const ASSUMED_ROLE_ACCOUNT = /arn:[\w-]+:sts::(\d{12}):assumed-role\//;
const ACCESS_KEY_ID = /AccessKeyId(?:>|"\s*:\s*")([^<"]+)/;

/** The answers the emulator gave, by request kind (the first answer of a kind asked twice). */
export function recordingOf(exchanges: readonly AwsExchange[]): Recording {
  const accessKeys = new Map<string, string>();
  for (const { response } of exchanges) {
    const body = response.body.toString("utf8");
    const account = ASSUMED_ROLE_ACCOUNT.exec(body)?.[1];
    const accessKeyId = ACCESS_KEY_ID.exec(body)?.[1];
    if (account && accessKeyId) accessKeys.set(accessKeyId, account);
  }
  const answers = new Map<string, RecordedAnswer>();
  for (const { request, response } of exchanges) {
    const call = { ...request, body: request.body.toString("utf8") };
    const signer = accessKeys.get(signingScope(request.headers).accessKeyId) ?? CALLER;
    const { kind } = requestKind(signer, call);
    if (answers.has(kind)) continue;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!DROPPED_HEADERS.has(name) && typeof value === "string") headers[name] = value;
    }
    answers.set(kind, { status: response.status, headers, body: response.body.toString("utf8") });
  }
  return { answers, accessKeys };
}

/** The access key id the recorded AssumeRole answer handed out for `accountId`. */
export function recordedAccessKey(recording: Recording, accountId: string): string | undefined {
  for (const [accessKeyId, account] of recording.accessKeys) if (account === accountId) return accessKeyId;
  return undefined;
}

/** One line naming a request, for the report of a request kind that was not recorded. */
function describe(signer: string, call: Call): string {
  const { service, operation } = recognize(call.headers, Buffer.from(call.body), call.method, call.path);
  const { region } = signingScope(call.headers);
  return `${service} ${operation} signed by ${signer} in ${region}: ${call.method} ${call.path} ${call.body}`;
}

export type ReplayOutcome =
  { kind: "answered"; answer: RecordedAnswer } | { kind: "not recorded"; request: string };

/**
 * The scaled organisation's answer to `call`. About one clone (signed with its key, or naming its id): the
 * template's recorded answer with the clone's id, name and key. About no account in particular: the recorded
 * answer with each list of template accounts grown to their clones, paged as asked.
 */
export function replayAnswer(
  recording: Recording,
  organization: ScaledOrganization,
  call: Call,
): ReplayOutcome {
  const signedBy = organization.cloneByAccessKey.get(signingScope(call.headers).accessKeyId);
  const about = clonesMentioned(`${call.path} ${call.body}`, organization);
  if (signedBy) about.add(signedBy);
  const signer = signedBy?.template.id ?? CALLER;
  if (about.size > 1) {
    return { kind: "not recorded", request: `${describe(signer, call)} (names ${about.size} accounts)` };
  }
  const [clone] = about as Set<CloneAccount | undefined>;
  const asRecorded = {
    ...call,
    path: asTemplateRequest(call.path, organization),
    body: asTemplateRequest(call.body, organization),
  };
  const { kind, paging } = requestKind(signer, asRecorded);
  const recorded = recording.answers.get(kind);
  if (!recorded) return { kind: "not recorded", request: describe(signer, call) };
  try {
    const body = clone
      ? substitute(recorded.body, clone)
      : expandListing(recorded.body, organization, paging, describe(signer, call));
    return { kind: "answered", answer: { ...recorded, body } };
  } catch (err) {
    return { kind: "not recorded", request: (err as Error).message };
  }
}

export interface AwsReplay {
  endpoint: string;
  /** Requests answered or refused so far. */
  requests: number;
  close(): Promise<void>;
}

export interface AwsReplayOptions {
  recording: Recording;
  organization: ScaledOrganization;
  latencyMs: number;
  /** Told of each request the replay cannot answer (default: printed on stderr). */
  onNotRecorded?: (request: string) => void;
}

export async function startAwsReplay(options: AwsReplayOptions): Promise<AwsReplay> {
  const notRecorded =
    options.onNotRecorded ??
    ((request: string) => process.stderr.write(`replay: not recorded: ${request}\n`));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      replay.requests += 1;
      const call = {
        method: request.method ?? "GET",
        path: request.url ?? "/",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const outcome = replayAnswer(options.recording, options.organization, call);
      setTimeout(() => {
        if (outcome.kind === "answered") {
          const { status, headers, body } = outcome.answer;
          response.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) }).end(body);
          return;
        }
        notRecorded(outcome.request);
        const fault = faultAnswer(request.headers, {
          status: 400,
          code: NOT_RECORDED,
          message: `no recorded answer: ${outcome.request}`,
        });
        response.writeHead(fault.status, fault.headers).end(fault.body);
      }, options.latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const replay: AwsReplay = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return replay;
}
