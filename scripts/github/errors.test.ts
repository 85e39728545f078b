import { describe, expect, it } from "vitest";
import { ToolError } from "../errors.js";
import { classifyGitHubError } from "./errors.js";
import { parsePullRequest } from "./pull-request.js";

function httpError(status: number, message: string, headers: Record<string, string> = {}, data?: unknown) {
  return Object.assign(new Error(message), { name: "HttpError", status, response: { headers, data } });
}

describe("classifyGitHubError", () => {
  it.each([
    [httpError(401, "Bad credentials"), "GitHub said 401: GITHUB_TOKEN is missing, expired or wrong"],
    [httpError(403, "Resource not accessible by integration"), "GitHub said 403: the token lacks permission"],
    [httpError(404, "Not Found"), "GitHub said 404: repository or pull request not found"],
    [
      httpError(
        422,
        "Validation Failed",
        {},
        { message: "Validation Failed", errors: [{ field: "sha", code: "invalid" }] },
      ),
      "GitHub said 422: Validation Failed: sha invalid",
    ],
    [
      httpError(403, "You have exceeded a secondary rate limit", { "retry-after": "60" }),
      "GitHub's rate limit is exhausted (403) for now",
    ],
    [
      httpError(429, "Too Many Requests", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1700000000",
      }),
      "exhausted (429) until 2023-11-14T22:13:20.000Z",
    ],
    [httpError(502, "Bad Gateway"), "GitHub failed with 502 even after retries"],
    [
      Object.assign(new Error("fetch failed"), { name: "HttpError", status: 500 }),
      "GitHub could not be reached",
    ],
    [new TypeError("boom"), "unexpected failure talking to GitHub"],
  ])("explains %s", (error, text) => {
    const classified = classifyGitHubError(error, "do it");
    expect(classified).toBeInstanceOf(ToolError);
    expect(classified.message.startsWith("could not do it: ")).toBe(true);
    expect(classified.message).toContain(text);
    expect(classified.cause).toBe(error);
  });
});

describe("parsePullRequest", () => {
  it("reads owner/name and a number", () => {
    expect(parsePullRequest("acme/shop.web", "12")).toEqual({ owner: "acme", repo: "shop.web", number: 12 });
  });

  it.each([
    ["acme", "1", "--repo must be owner/name"],
    ["acme/shop/x", "1", "--repo must be owner/name"],
    ["acme/..", "1", "--repo must be owner/name"],
    [undefined, "1", "--repo is required"],
    ["acme/shop", "0", "--pr must be a pull request number"],
    ["acme/shop", "1.5", "--pr must be a pull request number"],
  ])("refuses repo %s, pr %s", (repo, pr, message) => {
    expect(() => parsePullRequest(repo, pr)).toThrow(message);
  });
});
