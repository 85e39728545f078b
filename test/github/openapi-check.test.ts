import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "./fake-github.js";
import { type IncomingCall, OpenApiChecker } from "./openapi-check.js";

// The fake server is only as good as this checker: it must refuse what GitHub would refuse.
let checker: OpenApiChecker;

beforeAll(() => {
  checker = new OpenApiChecker();
});

function call(method: string, path: string, body?: unknown, query = ""): IncomingCall {
  return {
    method,
    path,
    query: new URLSearchParams(query),
    contentType: body === undefined ? undefined : "application/json; charset=utf-8",
    body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
  };
}

const annotation = { path: "a.yaml", start_line: 1, end_line: 1, annotation_level: "failure", message: "m" };
const checkRun = (annotations: unknown[]) => ({
  name: "idp plan",
  head_sha: "a".repeat(40),
  conclusion: "failure",
  output: { title: "t", summary: "s", annotations },
});

describe("OpenApiChecker", () => {
  it("reads GitHub's OpenAPI 3.0 description", () => {
    expect(checker.version).toMatch(/^3\.0\./);
  });

  it.each([
    ["GET", "/repos/acme/shop/issues/7/comments", undefined, "per_page=100&page=3", "issues/list-comments"],
    ["POST", "/repos/acme/shop/issues/7/comments", { body: "hi" }, "", "issues/create-comment"],
    ["PATCH", "/repos/acme/shop/issues/comments/12", { body: "hi" }, "", "issues/update-comment"],
    ["POST", "/repos/acme/shop/check-runs", checkRun([annotation]), "", "checks/create"],
    ["PATCH", "/repos/acme/shop/check-runs/5", { output: { title: "t", summary: "s" } }, "", "checks/update"],
    [
      "POST",
      `/repos/acme/shop/statuses/${"a".repeat(40)}`,
      { state: "success", context: "idp plan" },
      "",
      "repos/create-commit-status",
    ],
    ["POST", "/app/installations/99/access_tokens", undefined, "", "apps/create-installation-access-token"],
  ])("accepts %s %s", (method, path, body, query, operationId) => {
    const outcome = checker.check(call(method, path, body, query));
    expect(outcome).toMatchObject({ ok: true, operation: { operationId } });
  });

  it.each([
    ["an unknown path", call("GET", "/repos/acme/shop/nonsense"), "no such path in GitHub's API"],
    [
      "a wrong method",
      call("PUT", "/repos/acme/shop/check-runs", checkRun([])),
      "the path has no PUT operation",
    ],
    [
      "a non-integer path parameter",
      call("PATCH", "/repos/acme/shop/issues/comments/abc", { body: "x" }),
      "path parameter comment_id",
    ],
    [
      "a non-integer query parameter",
      call("GET", "/repos/acme/shop/issues/7/comments", undefined, "per_page=lots"),
      "query parameter per_page",
    ],
    [
      "an undeclared query parameter",
      call("GET", "/repos/acme/shop/issues/7/comments", undefined, "perpage=100"),
      "query parameter perpage is not declared",
    ],
    [
      "a missing required body",
      call("POST", "/repos/acme/shop/issues/7/comments"),
      "the request body is required",
    ],
    ["a body that is not JSON", call("POST", "/repos/acme/shop/issues/7/comments", "{body"), "not JSON"],
    [
      "a missing required field",
      call("POST", "/repos/acme/shop/issues/7/comments", { text: "hi" }),
      "must have required property 'body'",
    ],
    [
      "51 annotations",
      call("POST", "/repos/acme/shop/check-runs", checkRun(Array(51).fill(annotation))),
      "must NOT have more than 50 items",
    ],
    [
      "a wrong annotation level",
      call("POST", "/repos/acme/shop/check-runs", checkRun([{ ...annotation, annotation_level: "error" }])),
      "must be equal to one of the allowed values",
    ],
    [
      "a wrong status state",
      call("POST", "/repos/acme/shop/statuses/abc", { state: "ok" }),
      "must be equal to one of the allowed values",
    ],
    [
      "a bad date-time",
      call("POST", "/repos/acme/shop/check-runs", { ...checkRun([]), completed_at: "yesterday" }),
      'must match format "date-time"',
    ],
    [
      "an unknown body field",
      call("POST", "/repos/acme/shop/issues/7/comments", { body: "x", sticky: true }),
      'body field "sticky" is not in the schema',
    ],
    [
      "a body where none is taken",
      call("GET", "/repos/acme/shop/issues/7/comments", { body: "x" }),
      "takes no request body",
    ],
  ])("refuses %s", (_name, request, problem) => {
    const outcome = checker.check(request);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.problems.join("\n")).toContain(problem);
  });
});

describe("the fake GitHub server", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({ checker, tokens: {} });
  });
  afterAll(() => fake.close());

  it("answers 400 to a request GitHub's description refuses and records it", async () => {
    const response = await fetch(`${fake.url}/repos/acme/shop/check-runs`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "token t" },
      body: JSON.stringify(checkRun(Array(51).fill(annotation))),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      "must NOT have more than 50 items",
    );
    expect(fake.violations).toHaveLength(1);
  });
});
