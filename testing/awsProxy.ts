// A small HTTP proxy on 127.0.0.1 in front of the emulator. It records which AWS operation each request is
// (to prove a command made only read calls, or to count a writer's calls), can hand over each whole exchange
// (to record the emulator's answers for the replay server, ./awsReplay), can add a fixed latency to every
// request (for the benchmarks), and can step in before a request is forwarded: to answer with a fault the
// emulator cannot produce (throttling, access denied), or to let another writer act first (a race). Serial, it
// forwards one request at a time: moto's server is threaded and its SSM backend takes no lock, so two
// UpdateDocument calls at once could both become "version N+1", where SSM itself numbers versions atomically.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  service: string;
  operation: string;
  /** The SDK's `amz-sdk-request` header, e.g. "attempt=2; max=5"; empty for other clients. */
  attempt: string;
  /** HTTP method and path: what names the operation of a REST protocol (Lambda), whose `operation` is "unknown". */
  method?: string;
  path?: string;
}

export interface Fault {
  status: number;
  code: string;
  /** Default `injected <code>`. */
  message?: string;
}

/** Called before each request is forwarded; a Fault is answered instead of forwarding. */
export type Interceptor = (request: RecordedRequest) => Promise<Fault | void> | Fault | void;

export interface AwsProxy {
  endpoint: string;
  requests: RecordedRequest[];
  /** Added before each request is forwarded; may be changed between runs. */
  delayMs: number;
  intercept?: Interceptor;
  /** The operations recorded so far, in the order they arrived, retries included. */
  operations(): string[];
  close(): Promise<void>;
}

/** One request and the answer it got, whole. */
export interface AwsExchange {
  request: { method: string; path: string; headers: http.IncomingHttpHeaders; body: Buffer };
  response: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
}

/** Who signed a request, for which region and service: the SigV4 credential scope in the Authorization header. */
export function signingScope(headers: http.IncomingHttpHeaders): {
  accessKeyId: string;
  region: string;
  service: string;
} {
  const [, accessKeyId = "unknown", region = "unknown", service = "unknown"] =
    /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(headers.authorization ?? "") ?? [];
  return { accessKeyId, region, service };
}

// JSON protocols name the operation in X-Amz-Target (`AmazonSSM.GetDocument`); query protocols (STS, IAM) in
// the form body's Action.
export function recognize(
  headers: http.IncomingHttpHeaders,
  body: Buffer,
  method?: string,
  path?: string,
): RecordedRequest {
  const { service } = signingScope(headers);
  const target = headers["x-amz-target"];
  const operation =
    (typeof target === "string" ? target.split(".").pop() : undefined) ??
    new URLSearchParams(body.toString()).get("Action") ??
    "unknown";
  return { service, operation, attempt: String(headers["amz-sdk-request"] ?? ""), method, path };
}

/** The attempt number of a recorded request (1 for the first try, or when the client does not say). */
export function attemptNumber(request: RecordedRequest): number {
  return Number(/attempt=(\d+)/.exec(request.attempt)?.[1] ?? 1);
}

/** A fault as the request's protocol answers errors: JSON for JSON protocols, XML for query protocols. */
export function faultAnswer(
  headers: http.IncomingHttpHeaders,
  fault: Fault,
): { status: number; headers: http.OutgoingHttpHeaders; body: string } {
  const message = fault.message ?? `injected ${fault.code}`;
  if (typeof headers["x-amz-target"] === "string") {
    return {
      status: fault.status,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ __type: fault.code, message }),
    };
  }
  // Query protocols (STS, IAM, EC2) answer errors in XML.
  const escaped = message.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return {
    status: fault.status,
    headers: { "content-type": "text/xml" },
    body:
      `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${escaped}</Message>` +
      "</Error><RequestId>injected</RequestId></ErrorResponse>",
  };
}

export interface AwsProxyOptions {
  delayMs?: number;
  /** Forward one request at a time, each whole before the next starts. */
  serial?: boolean;
  /** Called with each forwarded request and the emulator's answer, once the answer has been read whole. */
  onExchange?: (exchange: AwsExchange) => void;
}

export async function startAwsProxy(target: string, options: AwsProxyOptions = {}): Promise<AwsProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const send = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) =>
    new Promise<void>((done) => {
      // The Host header goes through unchanged: moto checks signatures over it when IAM enforcement is on.
      const upstreamRequest = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          const chunks: Buffer[] = [];
          if (options.onExchange) answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.pipe(response);
          answer.on("end", () => {
            options.onExchange?.({
              request: {
                method: request.method ?? "GET",
                path: request.url ?? "/",
                headers: request.headers,
                body,
              },
              response: {
                status: answer.statusCode ?? 502,
                headers: answer.headers,
                body: Buffer.concat(chunks),
              },
            });
            done();
          });
        },
      );
      upstreamRequest.on("error", (err) => {
        response.writeHead(502).end(String(err));
        done();
      });
      upstreamRequest.end(body);
    });
  let queue: Promise<void> = Promise.resolve();
  const forward = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => {
    if (!options.serial) return void send(request, body, response);
    queue = queue.then(() => send(request, body, response));
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const recorded = recognize(request.headers, body, request.method, request.url);
      proxy.requests.push(recorded);
      setTimeout(async () => {
        try {
          const fault = await proxy.intercept?.(recorded);
          if (!fault) return forward(request, body, response);
          const answer = faultAnswer(request.headers, fault);
          response.writeHead(answer.status, answer.headers).end(answer.body);
        } catch (err) {
          response.writeHead(502).end(String(err));
        }
      }, proxy.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy: AwsProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    delayMs: options.delayMs ?? 0,
    operations: () => proxy.requests.map(({ operation }) => operation),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
