import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { newServiceCommand } from "../scripts/commands/new-service.js";
import { renderCommand } from "../scripts/commands/render.js";
import { validateCommand } from "../scripts/commands/validate.js";
import { UsageError } from "../scripts/errors.js";
import { addBareOrigin, usePullRequestFake } from "./support/pull-request-fake.js";
import { git, useRenderedRepositories } from "./support/rendered-repository.js";

const NOT_A_TTY = { isTTY: false } as NodeJS.ReadableStream & { isTTY?: boolean };
const { repository, temp } = useRenderedRepositories("idp-new-");

const status = (root: string) => git(root, "status", "--porcelain");

describe("idp new service", () => {
  it("scaffolds a web service that validates, with its manifests rendered", async () => {
    const root = repository();
    const result = await newServiceCommand({
      root,
      format: "text",
      name: "wishlist",
      team: "storefront",
      pr: false,
      stdin: NOT_A_TTY,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("created services/wishlist/service.yaml (team storefront, type web");
    const text = readFileSync(join(root, "services/wishlist/service.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/service.schema.json");
    expect(text).toContain("  name: wishlist #");
    expect(text).toContain("  team: storefront #");
    expect(text).toContain("  image: ghcr.io/acme/wishlist:0.1.0 #");
    expect(text).toContain("  port: 8080 #");
    expect(text).toContain("    readiness: /ready #");
    expect(text).toContain("    liveness: /healthz #");
    expect(text).toContain("  resources: { cpu: 100m, memory: 128Mi }");
    for (const env of ["dev", "staging", "prod"])
      expect(existsSync(join(root, `manifests/${env}/wishlist/manifest.yaml`))).toBe(true);
    expect(readFileSync(join(root, "manifests/prod/wishlist/manifest.yaml"), "utf8")).toContain(
      "image: ghcr.io/acme/wishlist:0.1.0",
    );
    const validated = await validateCommand({ root, format: "text" });
    expect(validated.exitCode).toBe(0);
    const rendered = await renderCommand({
      root,
      format: "text",
      check: true,
      allowEmpty: false,
      verify: false,
    });
    expect(rendered.exitCode).toBe(0);
    expect(status(root)).toContain("?? services/wishlist/");
  }, 30_000);

  it.each([
    ["cron", 'schedule: "0 3 * * *"', "kind: CronJob"],
    ["worker", "replicas: 1", "kind: Deployment"],
  ])(
    "scaffolds a %s service",
    async (type, line, kind) => {
      const root = repository();
      const result = await newServiceCommand({
        root,
        format: "text",
        name: `nightly-${type}`,
        team: "data",
        type,
        pr: false,
        stdin: NOT_A_TTY,
      });
      expect(result.exitCode).toBe(0);
      const text = readFileSync(join(root, `services/nightly-${type}/service.yaml`), "utf8");
      expect(text).toContain(line);
      expect(text).not.toContain("port:");
      expect(readFileSync(join(root, `manifests/dev/nightly-${type}/manifest.yaml`), "utf8")).toContain(kind);
    },
    30_000,
  );

  it.each([
    ["checkout", "the service checkout already exists (services/checkout/)"],
    ["Wishlist", '"Wishlist" cannot be a service name: it has uppercase letters; use "wishlist"'],
    [
      "wish_list",
      '"wish_list" cannot be a service name: it contains "_"; only lowercase letters, digits and \'-\' are allowed',
    ],
    ["-wishlist", "it must start with a lowercase letter (it names a Kubernetes Service)"],
    ["2fa", "it must start with a lowercase letter (it names a Kubernetes Service)"],
    ["wishlist-", "it must end with a letter or digit"],
    ["a".repeat(41), "it has 41 characters; at most 40 are allowed"],
  ])("refuses the name %s", async (name, message) => {
    const root = repository();
    const attempt = newServiceCommand({
      root,
      format: "text",
      name,
      team: "storefront",
      pr: false,
      stdin: NOT_A_TTY,
    });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
    expect(status(root)).toBe("");
  });

  it("refuses an unknown team, naming the closest one", async () => {
    const root = repository();
    const attempt = newServiceCommand({
      root,
      format: "text",
      name: "wishlist",
      team: "storefrnt",
      pr: false,
      stdin: NOT_A_TTY,
    });
    await expect(attempt).rejects.toThrow('the team "storefrnt" does not exist: did you mean "storefront"?');
    expect(status(root)).toBe("");
  });

  it("never prompts without a terminal: a missing --team is a usage error (exit 2)", async () => {
    const root = repository();
    const attempt = newServiceCommand({
      root,
      format: "text",
      name: "wishlist",
      pr: false,
      stdin: NOT_A_TTY,
    });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(
      "--team is required (stdin is not a terminal, so idp does not ask): one of data, payments, platform, storefront",
    );
    expect(status(root)).toBe("");
  });

  it("asks for the team and the type on a terminal, from numbered lists", async () => {
    const root = repository();
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let asked = "";
    output.on("data", (chunk: Buffer) => {
      asked += chunk.toString();
      if (asked.endsWith("choose 1-4: ")) input.write("4\n");
      if (asked.endsWith("choose 1-3 [web]: ")) input.write("worker\n");
    });
    const result = await newServiceCommand({
      root,
      format: "text",
      name: "wishlist",
      pr: false,
      stdin: input,
      promptOutput: output,
    });
    expect(result.exitCode).toBe(0);
    expect(asked).toContain(
      "Which team owns wishlist?\n  1) data\n  2) payments\n  3) platform\n  4) storefront\n",
    );
    expect(result.stdout).toContain("(team storefront, type worker)");
  }, 30_000);

  it("a scaffold the checks refuse leaves the repository untouched", async () => {
    const root = repository();
    // Inside prod's change freeze, adding a service to prod is refused by CHG001.
    process.env.IDP_TODAY = "2026-12-24";
    try {
      const result = await newServiceCommand({
        root,
        format: "text",
        name: "wishlist",
        team: "storefront",
        pr: false,
        stdin: NOT_A_TTY,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain("policy.CHG001");
      expect(result.stdout).toContain(
        "new service wishlist refused: fix the errors above first; nothing was written",
      );
    } finally {
      process.env.IDP_TODAY = "2026-11-25";
    }
    expect(status(root)).toBe("");
    expect(existsSync(join(root, "services/wishlist"))).toBe(false);
  }, 30_000);
});

describe("idp new service --pr", () => {
  const github = usePullRequestFake();

  it("commits on idp/new-service-NAME, pushes to origin and opens the pull request", async () => {
    const fake = await github.open(42);
    const root = repository();
    const origin = temp("idp-origin-");
    addBareOrigin(root, origin);

    const result = await newServiceCommand({
      root,
      format: "text",
      name: "wishlist",
      team: "storefront",
      pr: true,
      stdin: NOT_A_TTY,
      env: {
        GITHUB_TOKEN: "ghp_person",
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: "acme/shop",
        IDP_GITHUB_RETRY_DELAY_MS: "1",
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "opened pull request #42 from idp/new-service-wishlist into main: https://github.example/acme/shop/pull/42",
    );
    expect(fake.violations).toEqual([]);
    const request = fake.requests.find((r) => r.operationId === "pulls/create");
    const body = request?.body as { title: string; head: string; base: string; body: string };
    expect(body.title).toBe("Add service wishlist");
    expect(body.head).toBe("idp/new-service-wishlist");
    expect(body.base).toBe("main");
    expect(body.body).toContain("Adds the service `wishlist` (team `storefront`, type `web`)");
    expect(body.body).toContain("<!-- idp-plan -->");
    expect(body.body).toContain("wishlist");
    // The branch is on origin, with the service and its manifests in one commit.
    const files = git(origin, "show", "--name-only", "--format=%s", "idp/new-service-wishlist")
      .trim()
      .split("\n");
    expect(files[0]).toBe("Add service wishlist");
    expect(files).toContain("services/wishlist/service.yaml");
    expect(files).toContain("manifests/prod/wishlist/manifest.yaml");
    expect(files).toContain(".github/CODEOWNERS");
    // The change was made in a worktree of its own: the checkout stays on main, untouched.
    expect(status(root)).toBe("");
    expect(git(root, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("main");
    expect(existsSync(join(root, "services/wishlist"))).toBe(false);
    expect(git(root, "worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 60_000);
});
