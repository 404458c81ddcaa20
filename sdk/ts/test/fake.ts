/** A scripted HTTP server on loopback for the SDK's failure tests: each request is answered by the next handler. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FakeServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  close(): Promise<void>;
}

/** Serves the handlers in order (the last one repeats). */
export async function fakeServer(...handlers: Handler[]): Promise<FakeServer> {
  const requests: FakeServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const index = Math.min(requests.length, handlers.length - 1);
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      (handlers[index] as Handler)(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json", ...headers });
  res.end(JSON.stringify(value));
};

export const text = (status: number, body: string, type = "text/html"): Handler => (_req, res) => {
  res.writeHead(status, { "content-type": type });
  res.end(body);
};

/** Writes the bytes of an event stream, then ends the response (or destroys the socket when `drop`). */
export const sse = (body: string, drop = false): Handler => (_req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  if (drop) res.write(body, () => res.socket?.destroy());
  else res.end(body);
};

/** Never answers (until the server closes). */
export const silent: Handler = () => undefined;
