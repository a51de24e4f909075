// Forwards requests to the emulator one at a time. moto's server is threaded and its SSM backend takes no lock,
// so two UpdateDocument calls at once could both become "version N+1"; SSM itself numbers versions atomically.
// Races between writers are then decided by the order of whole calls, as they are against AWS.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SerialProxy {
  endpoint: string;
  close(): Promise<void>;
}

export async function startSerialProxy(target: string): Promise<SerialProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let queue: Promise<void> = Promise.resolve();
  const forward = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) =>
    new Promise<void>((done) => {
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
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            response.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
            done();
          });
        },
      );
      upstreamRequest.on("error", (error) => {
        response.writeHead(502).end(String(error));
        done();
      });
      upstreamRequest.end(body);
    });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      queue = queue.then(() => forward(request, Buffer.concat(chunks), response));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
