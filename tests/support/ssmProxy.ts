// An HTTP proxy on 127.0.0.1 in front of moto that records every SSM operation and can step in before one is
// forwarded: to answer with a fault (throttling), or to let another writer act first (a race).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Fault {
  status: number;
  code: string;
}

/** Called before each request is forwarded; a Fault is answered instead of forwarding. */
export type Interceptor = (operation: string, attempt: number) => Promise<Fault | void> | Fault | void;

export interface SsmProxy {
  endpoint: string;
  /** Operations in the order they arrived, e.g. "GetDocument"; retries included. */
  calls: string[];
  /** The SDK's `amz-sdk-request` header of each call, e.g. "attempt=2; max=5". */
  attempts: string[];
  intercept?: Interceptor;
  close(): Promise<void>;
}

export function startSsmProxy(target: string): Promise<SsmProxy> {
  const proxy: SsmProxy = { endpoint: "", calls: [], attempts: [], close: async () => undefined };
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^AmazonSSM\./, "");
    const attempt = String(request.headers["amz-sdk-request"] ?? "");
    proxy.calls.push(operation);
    proxy.attempts.push(attempt);
    try {
      const fault = await proxy.intercept?.(operation, Number(/attempt=(\d+)/.exec(attempt)?.[1] ?? 1));
      if (fault) {
        response.writeHead(fault.status, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify({ __type: fault.code, message: `injected ${fault.code}` }));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name]) => !["host", "connection", "content-length"].includes(name),
        ),
      ) as Record<string, string>;
      const upstream = await fetch(target + request.url, {
        method: request.method,
        headers,
        body: Buffer.concat(chunks),
      });
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "" });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      proxy.close = () => {
        server.closeAllConnections();
        return new Promise((done) => server.close(() => done()));
      };
      resolve(proxy);
    });
  });
}
