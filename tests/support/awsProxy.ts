// A small HTTP proxy on 127.0.0.1 in front of the emulator: it records which AWS operation each request is
// (to prove a command made only read calls) and can add a fixed latency to every request (for the benchmark).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  service: string;
  operation: string;
}

export interface AwsProxy {
  endpoint: string;
  requests: RecordedRequest[];
  /** Added before each request is forwarded; may be changed between runs. */
  delayMs: number;
  close(): Promise<void>;
}

// JSON protocols name the operation in X-Amz-Target (`AmazonSSM.GetDocument`); query protocols (STS, IAM) in
// the form body's Action. The service is the signing scope in the Authorization header.
function recognize(headers: http.IncomingHttpHeaders, body: Buffer): RecordedRequest {
  const service =
    /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? "")?.[1] ?? "unknown";
  const target = headers["x-amz-target"];
  const operation =
    (typeof target === "string" ? target.split(".").pop() : undefined) ??
    new URLSearchParams(body.toString()).get("Action") ??
    "unknown";
  return { service, operation };
}

export async function startAwsProxy(target: string, options: { delayMs?: number } = {}): Promise<AwsProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const requests: RecordedRequest[] = [];
  let delayMs = options.delayMs ?? 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push(recognize(request.headers, body));
      setTimeout(() => {
        // The Host header goes through unchanged: moto checks signatures over it when IAM enforcement is on.
        const forward = http.request(
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
          },
        );
        forward.on("error", (err) => {
          response.writeHead(502);
          response.end(String(err));
        });
        forward.end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get delayMs() {
      return delayMs;
    },
    set delayMs(value: number) {
      delayMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
