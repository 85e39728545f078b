import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";

/** A running git server: its base URL and how to stop it. */
export interface GitHttpServer {
  /** `https://127.0.0.1:<port>`; a repository `<root>/<name>.git` is at `<url>/<name>.git`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Splits a CGI response into its status, headers and body. `git
 * http-backend` writes `Status:` only for errors; no status means 200.
 */
export function parseCgiResponse(output: Buffer): {
  status: number;
  headers: [string, string][];
  body: Buffer;
} {
  let end = output.indexOf("\r\n\r\n");
  let skip = 4;
  if (end < 0) {
    end = output.indexOf("\n\n");
    skip = 2;
  }
  if (end < 0) return { status: 502, headers: [], body: output };
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of output.subarray(0, end).toString("latin1").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, body: output.subarray(end + skip) };
}

function serve(projectRoot: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "https://127.0.0.1");
  const backend = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      GATEWAY_INTERFACE: "CGI/1.1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(typeof req.headers["git-protocol"] === "string"
        ? { GIT_PROTOCOL: req.headers["git-protocol"] }
        : {}),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  backend.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  backend.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
  backend.on("error", (error) => {
    res.writeHead(500).end(error.message);
  });
  backend.on("close", () => {
    if (res.headersSent) return;
    const { status, headers, body } = parseCgiResponse(Buffer.concat(chunks));
    res.writeHead(status, headers);
    res.end(status >= 400 && body.length === 0 ? Buffer.concat(errors) : body);
  });
  req.pipe(backend.stdin);
}

/**
 * Serves the bare repositories under `projectRoot` over HTTPS (the smart
 * protocol, through `git http-backend` as a CGI program, as a real git host
 * would) on a free port of 127.0.0.1, with the given certificate.
 */
export async function startGitHttpServer(options: {
  projectRoot: string;
  certFile: string;
  keyFile: string;
}): Promise<GitHttpServer> {
  const server: Server = createServer(
    { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) },
    (req, res) => serve(options.projectRoot, req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
