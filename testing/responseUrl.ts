// Stands in for CloudFormation's pre-signed ResponseURL: an HTTP server on 127.0.0.1 that records every PUT
// and answers with the statuses it is told to (200 once those run out).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedResponse {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  receivedAt: number;
}

export interface ResponseUrlServer {
  url: string;
  received: ReceivedResponse[];
  /** Statuses for the next PUTs, in order. */
  statuses: number[];
  reset(): void;
  close(): Promise<void>;
}

export function startResponseUrlServer(): Promise<ResponseUrlServer> {
  const state: ResponseUrlServer = {
    url: "",
    received: [],
    statuses: [],
    reset() {
      state.received = [];
      state.statuses = [];
    },
    close: async () => undefined,
  };
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    state.received.push({
      headers: request.headers,
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      receivedAt: Date.now(),
    });
    response.writeHead(state.statuses.shift() ?? 200).end();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cloudformation-response?signature=x`;
      state.close = () => {
        server.closeAllConnections();
        return new Promise((done) => server.close(() => done()));
      };
      resolve(state);
    });
  });
}
