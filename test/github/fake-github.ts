import { createPublicKey, verify } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MatchedOperation, OpenApiChecker } from "./openapi-check.js";

/** What a credential may do in the fake. */
export interface Grant {
  login: string;
  /** "Bot" for installation tokens (GitHub Actions' GITHUB_TOKEN, GitHub Apps): they may not ask GET /user. */
  type: "User" | "Bot";
  /** May comment (pull-requests: write). */
  write: boolean;
  /** May create check runs (checks: write; never a personal token on real GitHub). */
  checks: boolean;
  /** May create commit statuses (statuses: write). */
  statuses: boolean;
}

/** A GitHub App the fake knows: its JWTs are verified with `publicKeyPem`. */
export interface FakeApp {
  id: number;
  slug: string;
  installationId: number;
  publicKeyPem: string;
  /** What the installation tokens it issues may do. */
  grant: Grant;
}

/** A response served instead of the real handling, once, for the next request to an operation. */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Handle the request for real first (state changes), then answer with this: a failure after the write. */
  afterHandling?: boolean;
}

/** A request the fake served, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | undefined;
  body: unknown;
  status: number;
}

/** An issue comment in the fake's state. */
export interface FakeComment {
  id: number;
  repo: string;
  issue: number;
  body: string;
  login: string;
  type: "User" | "Bot";
  createdAt: string;
  updatedAt: string;
}

/** A check run in the fake's state, with every annotation it received. */
export interface FakeCheckRun {
  id: number;
  repo: string;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
  title: string | undefined;
  summary: string | undefined;
  detailsUrl: string | undefined;
  annotations: Array<Record<string, unknown>>;
}

/** A commit status in the fake's state. */
export interface FakeStatus {
  id: number;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
}

/** Options of `startFakeGitHub`. */
export interface FakeGitHubOptions {
  checker: OpenApiChecker;
  /** Repositories that exist ("owner/name"); default ["acme/shop"]. */
  repos?: string[];
  /** Pull request numbers that exist in every repository; default [7]. */
  pulls?: number[];
  /** Labels on a pull request, by number (in every repository); default none. */
  labels?: Record<number, string[]>;
  /** Tokens and what they may do. */
  tokens?: Record<string, Grant>;
  app?: FakeApp;
  /** Serve under this path, as GitHub Enterprise Server does ("/api/v3"); default the root. */
  basePath?: string;
  /** What `GET /repos/{owner}/{repo}` names as the default branch; default "main". */
  defaultBranch?: string;
}

/** A running fake GitHub, its state and its log. */
export interface FakeGitHub {
  /** The API root to put in GITHUB_API_URL: http://127.0.0.1:PORT (plus basePath). */
  url: string;
  comments: FakeComment[];
  checkRuns: FakeCheckRun[];
  statuses: FakeStatus[];
  requests: RecordedRequest[];
  /** Requests that broke GitHub's OpenAPI description, or that the fake does not implement; must stay empty. */
  violations: string[];
  /** Serves these responses, in order, to the next requests to `operationId` ("checks/create"). */
  script(operationId: string, ...responses: ScriptedResponse[]): void;
  /** Adds a comment as if someone had written it earlier. */
  seedComment(repo: string, issue: number, body: string, login?: string): FakeComment;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";
const FORBIDDEN = {
  message: "Resource not accessible by integration",
  documentation_url: DOCS,
  status: "403",
};

/**
 * Starts an HTTP server on 127.0.0.1 (random port) that speaks the GitHub REST
 * endpoints `idp comment` and `--pr` use, with in-memory state: the repository
 * (`GET /repos/{owner}/{repo}`, its default branch), the labels of a pull
 * request (listed in one page), issue comments (listed
 * 30 or `per_page` at a time with Link headers, created, updated), check runs
 * (created, updated; annotations appended), commit statuses, `GET /user`,
 * `GET /app` and installation access tokens for a GitHub App (its JWT checked
 * against the app's public key). Every request is first checked against
 * GitHub's OpenAPI description; one that fails gets a 400 and is recorded in
 * `violations`. Then the credential (401 when unknown), then any scripted
 * response, then the real handling with GitHub's permission and validation
 * answers (403, 404, 422).
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const repos = new Set(options.repos ?? ["acme/shop"]);
  const pulls = new Set(options.pulls ?? [7]);
  const labels = new Map(Object.entries(options.labels ?? {}).map(([n, names]) => [Number(n), names]));
  const tokens = new Map(Object.entries(options.tokens ?? {}));
  const scripts = new Map<string, ScriptedResponse[]>();
  const basePath = options.basePath ?? "";
  let nextId = 1000;
  let origin = "";
  let url = "";

  const fake: FakeGitHub = {
    url: "",
    comments: [],
    checkRuns: [],
    statuses: [],
    requests: [],
    violations: [],
    script(operationId, ...responses) {
      scripts.set(operationId, [...(scripts.get(operationId) ?? []), ...responses]);
    },
    seedComment(repo, issue, body, login = "someone") {
      const now = new Date().toISOString();
      const comment: FakeComment = {
        id: nextId++,
        repo,
        issue,
        body,
        login,
        type: login.endsWith("[bot]") ? "Bot" : "User",
        createdAt: now,
        updatedAt: now,
      };
      fake.comments.push(comment);
      return comment;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${url}/repos/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.example/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${url}/repos/${c.repo}/issues/${c.issue}`,
    body: c.body,
    user: { login: c.login, id: 1, type: c.type },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: "NONE",
  });
  const checkRunJson = (run: FakeCheckRun) => ({
    id: run.id,
    head_sha: run.headSha,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    url: `${url}/repos/${run.repo}/check-runs/${run.id}`,
    html_url: `https://github.example/${run.repo}/runs/${run.id}`,
    details_url: run.detailsUrl ?? null,
    output: {
      title: run.title ?? null,
      summary: run.summary ?? null,
      text: null,
      annotations_count: run.annotations.length,
    },
  });

  type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
  type Body = Record<string, unknown>;

  const handle = (op: MatchedOperation, grant: Grant | undefined, call: URL): Reply => {
    const p = op.params;
    const repo = `${p.owner}/${p.repo}`;
    const notFound: Reply = {
      status: 404,
      body: { message: "Not Found", documentation_url: DOCS, status: "404" },
    };
    const body = (op.body ?? {}) as Body;
    if (p.owner !== undefined && !repos.has(repo)) return notFound;
    switch (op.operationId) {
      case "repos/get": {
        const [owner, name] = repo.split("/");
        return {
          status: 200,
          body: {
            id: 1,
            name,
            full_name: repo,
            owner: { login: owner, id: 1, type: "Organization" },
            private: true,
            html_url: `https://github.example/${repo}`,
            default_branch: options.defaultBranch ?? "main",
            permissions: {
              admin: false,
              maintain: false,
              push: grant?.write === true,
              triage: true,
              pull: true,
            },
          },
        };
      }
      case "users/get-authenticated":
        if (grant?.type === "Bot") return { status: 403, body: FORBIDDEN };
        return { status: 200, body: { login: grant?.login, id: 1, type: "User" } };
      case "issues/list-comments": {
        if (!pulls.has(Number(p.issue_number))) return notFound;
        const all = fake.comments.filter((c) => c.repo === repo && c.issue === Number(p.issue_number));
        const perPage = Math.min(Number(call.searchParams.get("per_page") ?? 30), 100);
        const page = Number(call.searchParams.get("page") ?? 1);
        const pages = Math.max(1, Math.ceil(all.length / perPage));
        const link = (n: number, rel: string) => {
          const target = new URL(call);
          target.searchParams.set("per_page", String(perPage));
          target.searchParams.set("page", String(n));
          return `<${origin}${target.pathname}${target.search}>; rel="${rel}"`;
        };
        const links = [
          ...(page < pages ? [link(page + 1, "next"), link(pages, "last")] : []),
          ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
        ];
        return {
          status: 200,
          body: all.slice((page - 1) * perPage, page * perPage).map(commentJson),
          headers: links.length > 0 ? { link: links.join(", ") } : {},
        };
      }
      case "issues/list-labels-on-issue": {
        if (!pulls.has(Number(p.issue_number))) return notFound;
        return {
          status: 200,
          body: (labels.get(Number(p.issue_number)) ?? []).map((name, index) => ({
            id: index + 1,
            node_id: `LA_${index + 1}`,
            url: `${url}/repos/${repo}/labels/${encodeURIComponent(name)}`,
            name,
            description: null,
            color: "d73a4a",
            default: false,
          })),
        };
      }
      case "issues/create-comment": {
        if (!pulls.has(Number(p.issue_number))) return notFound;
        if (!grant?.write) return { status: 403, body: FORBIDDEN };
        const text = String(body.body);
        if (text.length > 65_536) return unprocessable("body is too long (maximum is 65536 characters)");
        const comment = fake.seedComment(repo, Number(p.issue_number), text, grant.login);
        return { status: 201, body: commentJson(comment) };
      }
      case "issues/update-comment": {
        const comment = fake.comments.find((c) => c.repo === repo && c.id === Number(p.comment_id));
        if (!comment) return notFound;
        if (!grant?.write) return { status: 403, body: FORBIDDEN };
        const text = String(body.body);
        if (text.length > 65_536) return unprocessable("body is too long (maximum is 65536 characters)");
        comment.body = text;
        comment.updatedAt = new Date().toISOString();
        return { status: 200, body: commentJson(comment) };
      }
      case "checks/create": {
        if (!grant?.checks) return { status: 403, body: FORBIDDEN };
        const output = (body.output ?? {}) as Body;
        const run: FakeCheckRun = {
          id: nextId++,
          repo,
          headSha: String(body.head_sha),
          name: String(body.name),
          status: body.conclusion ? "completed" : String(body.status ?? "queued"),
          conclusion: body.conclusion ? String(body.conclusion) : null,
          title: output.title as string | undefined,
          summary: output.summary as string | undefined,
          detailsUrl: body.details_url as string | undefined,
          annotations: [...((output.annotations as Body[] | undefined) ?? [])],
        };
        fake.checkRuns.push(run);
        return { status: 201, body: checkRunJson(run) };
      }
      case "checks/update": {
        const run = fake.checkRuns.find((r) => r.repo === repo && r.id === Number(p.check_run_id));
        if (!run) return notFound;
        if (!grant?.checks) return { status: 403, body: FORBIDDEN };
        const output = (body.output ?? {}) as Body;
        run.title = (output.title as string | undefined) ?? run.title;
        run.summary = (output.summary as string | undefined) ?? run.summary;
        run.annotations.push(...((output.annotations as Body[] | undefined) ?? []));
        return { status: 200, body: checkRunJson(run) };
      }
      case "repos/create-commit-status": {
        if (!grant?.statuses) return { status: 403, body: FORBIDDEN };
        const description = (body.description as string | null | undefined) ?? null;
        if (description !== null && description.length > 140)
          return unprocessable("description is too long (maximum is 140 characters)");
        const status: FakeStatus = {
          id: nextId++,
          repo,
          sha: String(p.sha),
          state: String(body.state),
          context: String(body.context ?? "default"),
          description,
          targetUrl: (body.target_url as string | null | undefined) ?? null,
        };
        fake.statuses.push(status);
        return {
          status: 201,
          body: {
            id: status.id,
            state: status.state,
            context: status.context,
            description,
            target_url: status.targetUrl,
          },
        };
      }
      default:
        fake.violations.push(`${op.operationId}: valid for GitHub but not implemented by the fake`);
        return { status: 501, body: { message: `the fake does not implement ${op.operationId}` } };
    }
  };

  /** The app endpoints authenticate with the app's JWT, everything else with a token. */
  const handleApp = (op: MatchedOperation, jwt: string | undefined): Reply => {
    const app = options.app;
    if (!app || !jwt || !verifyJwt(jwt, app))
      return {
        status: 401,
        body: { message: "A JSON web token could not be decoded", documentation_url: DOCS, status: "401" },
      };
    if (op.operationId === "apps/get-authenticated")
      return { status: 200, body: { id: app.id, slug: app.slug, name: app.slug } };
    if (Number(op.params.installation_id) !== app.installationId)
      return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
    const token = `ghs_fake_installation_${nextId++}`;
    tokens.set(token, app.grant);
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
        permissions: { pull_requests: "write", checks: "write", statuses: "write" },
        repository_selection: "all",
      },
    };
  };

  const server: Server = createServer((request, response) => {
    readBody(request).then(
      (raw) => {
        const call = new URL(request.url ?? "/", origin);
        const outcome = options.checker.check({
          method: request.method ?? "GET",
          path: call.pathname.startsWith(`${basePath}/`)
            ? call.pathname.slice(basePath.length)
            : "/outside-base-path",
          query: call.searchParams,
          contentType: request.headers["content-type"],
          body: raw,
        });
        const record = (status: number, operationId?: string, body?: unknown) =>
          fake.requests.push({
            method: request.method ?? "GET",
            path: call.pathname,
            operationId,
            body,
            status,
          });
        if (!outcome.ok) {
          fake.violations.push(...outcome.problems);
          record(400);
          return send(response, 400, {
            message: `not a valid GitHub request: ${outcome.problems.join("; ")}`,
          });
        }
        const op = outcome.operation;
        const [scheme, credential] = (request.headers.authorization ?? "").split(/\s+/, 2);
        let reply: Reply;
        if (op.operationId.startsWith("apps/")) {
          reply = scheme?.toLowerCase() === "bearer" ? handleApp(op, credential) : handleApp(op, undefined);
        } else {
          const grant = credential ? tokens.get(credential) : undefined;
          const scripted = scripts.get(op.operationId)?.shift();
          if (!grant)
            reply = {
              status: 401,
              body: { message: "Bad credentials", documentation_url: DOCS, status: "401" },
            };
          else if (scripted && !scripted.afterHandling) reply = scripted;
          else {
            reply = handle(op, grant, call);
            if (scripted) reply = scripted;
          }
        }
        if (reply.status >= 200 && reply.status < 300 && !op.responses.includes(String(reply.status)))
          fake.violations.push(`${op.operationId}: GitHub never answers ${reply.status}`);
        record(reply.status, op.operationId, op.body);
        send(response, reply.status, reply.body, reply.headers);
      },
      (error: unknown) => send(response, 500, { message: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  url = `${origin}${basePath}`;
  fake.url = url;
  return fake;
}

function unprocessable(message: string) {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{ resource: "Resource", code: "custom", message }],
      status: "422",
    },
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "x-github-request-id": "FAKE",
    "x-ratelimit-limit": "5000",
    ...headers,
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Checks an RS256 JWT the way GitHub does for an app: signature, issuer, expiry. */
function verifyJwt(jwt: string, app: FakeApp): boolean {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) return false;
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  if (decode(header).alg !== "RS256") return false;
  const ok = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    createPublicKey(app.publicKeyPem),
    Buffer.from(signature, "base64url"),
  );
  const claims = decode(payload);
  const now = Math.floor(Date.now() / 1000);
  return (
    ok && String(claims.iss) === String(app.id) && Number(claims.exp) > now && Number(claims.iat) <= now + 60
  );
}
