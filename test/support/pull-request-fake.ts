import { afterEach, beforeAll } from "vitest";
import { type FakeGitHub, type ScriptedResponse, startFakeGitHub } from "../github/fake-github.js";
import { OpenApiChecker } from "../github/openapi-check.js";
import { git } from "./rendered-repository.js";

/** A fake GitHub per test, ready to accept one pull request. */
export interface PullRequestFake {
  /**
   * Starts the fake for a token that may write, answering `pulls/create` with
   * pull request `number`, or with `reply` when given (a refusal).
   */
  open(number: number, reply?: ScriptedResponse): Promise<FakeGitHub>;
}

/**
 * Registers the hooks of a suite that opens pull requests against the fake
 * GitHub (every request checked against GitHub's OpenAPI description, loaded
 * once), closing the fake after each test.
 */
export function usePullRequestFake(): PullRequestFake {
  let checker: OpenApiChecker;
  let fake: FakeGitHub | undefined;
  beforeAll(() => {
    checker = new OpenApiChecker();
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  return {
    async open(number, reply) {
      fake = await startFakeGitHub({
        checker,
        tokens: {
          ghp_person: { login: "octocat", type: "User", write: true, checks: false, statuses: true },
        },
      });
      fake.script(
        "pulls/create",
        reply ?? {
          status: 201,
          body: { number, html_url: `https://github.example/acme/shop/pull/${number}` },
        },
      );
      return fake;
    },
  };
}

/** Gives `root` a bare repository in `origin` as its `origin` remote, with main pushed. */
export function addBareOrigin(root: string, origin: string): void {
  git(origin, "init", "-q", "--bare");
  git(root, "remote", "add", "origin", origin);
  git(root, "push", "-q", "origin", "main");
}
