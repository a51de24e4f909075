// A small HTTP proxy on 127.0.0.1 in front of the emulator. It records which AWS operation each request is
// (to prove a command made only read calls, or to count a writer's calls), can add a fixed latency to every
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

// JSON protocols name the operation in X-Amz-Target (`AmazonSSM.GetDocument`); query protocols (STS, IAM) in
// the form body's Action. The service is the signing scope in the Authorization header.
function recognize(
  headers: http.IncomingHttpHeaders,
  body: Buffer,
  method?: string,
  path?: string,
): RecordedRequest {
  const service =
    /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? "")?.[1] ?? "unknown";
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

export interface AwsProxyOptions {
  delayMs?: number;
  /** Forward one request at a time, each whole before the next starts. */
  serial?: boolean;
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
          answer.pipe(response);
          answer.on("end", done);
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
          const message = fault.message ?? `injected ${fault.code}`;
          if (typeof request.headers["x-amz-target"] === "string") {
            response.writeHead(fault.status, { "content-type": "application/x-amz-json-1.1" });
            response.end(JSON.stringify({ __type: fault.code, message }));
          } else {
            // Query protocols (STS, IAM, EC2) answer errors in XML.
            const escaped = message.replace(/&/g, "&amp;").replace(/</g, "&lt;");
            response.writeHead(fault.status, { "content-type": "text/xml" });
            response.end(
              `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${escaped}</Message>` +
                "</Error><RequestId>injected</RequestId></ErrorResponse>",
            );
          }
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
