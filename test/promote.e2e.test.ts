import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCommand } from "../scripts/commands/render.js";
import { addBareOrigin, usePullRequestFake } from "./support/pull-request-fake.js";
import { git, useRenderedRepositories } from "./support/rendered-repository.js";

const { repository, temp } = useRenderedRepositories("idp-promote-");

import { codeownersCommand } from "../scripts/commands/codeowners.js";
import { promoteCommand } from "../scripts/commands/promote.js";
import { validateCommand } from "../scripts/commands/validate.js";
import { UsageError } from "../scripts/errors.js";

function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`edit did not apply to ${file}: ${from}`);
  writeFileSync(path, text.replace(from, to));
  git(root, "commit", "-qam", `edit ${file}`);
}

/** Edits a source, re-renders and commits both, as a merged change would have. */
async function change(root: string, file: string, from: string, to: string): Promise<void> {
  edit(root, file, from, to);
  const rendered = await renderCommand({
    root,
    format: "text",
    check: false,
    allowEmpty: false,
    verify: false,
  });
  expect(rendered.exitCode).toBe(0);
  git(root, "add", "-A");
  git(root, "commit", "-qm", "render");
}

const CHECKOUT = "services/checkout/service.yaml";

describe("idp promote", () => {
  it("staging -> prod: the override line appears, comments kept, manifests re-rendered", async () => {
    const root = repository();
    await change(
      root,
      CHECKOUT,
      "    staging: { replicas: 2 }",
      "    staging: { image: ghcr.io/acme/checkout:1.4.3, replicas: 2 }",
    );
    const before = readFileSync(join(root, CHECKOUT), "utf8");
    const result = await promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "prod",
      all: false,
      pr: false,
    });
    expect(result.stdout).toContain(
      "promoted staging -> prod: checkout: ghcr.io/acme/checkout:1.4.2 -> ghcr.io/acme/checkout:1.4.3",
    );
    expect(result.exitCode).toBe(0);
    const after = readFileSync(join(root, CHECKOUT), "utf8");
    expect(after).toBe(
      before.replace(
        "    prod: { autoscale: { min: 3, max: 20, cpu: 60 } }",
        "    prod: { image: ghcr.io/acme/checkout:1.4.3, autoscale: { min: 3, max: 20, cpu: 60 } }",
      ),
    );
    expect(readFileSync(join(root, "manifests/prod/checkout/manifest.yaml"), "utf8")).toContain(
      "image: ghcr.io/acme/checkout:1.4.3",
    );
    expect(git(root, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([
      " M manifests/prod/checkout/.render-key",
      " M manifests/prod/checkout/manifest.yaml",
      " M services/checkout/service.yaml",
    ]);
    // Promoting again changes nothing.
    const again = await promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "prod",
      all: false,
      pr: false,
    });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("nothing to promote from staging to prod");
    expect(again.stdout).toContain("checkout: already runs ghcr.io/acme/checkout:1.4.3 in prod");
  }, 30_000);

  it("refuses the first environment and a --from that skips one", async () => {
    const root = repository();
    await expect(
      promoteCommand({ root, format: "text", service: "checkout", to: "dev", all: false, pr: false }),
    ).rejects.toThrow(
      "dev is the first environment (no promotesFrom in environments/dev.yaml): nothing promotes into it",
    );
    const skip = promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "prod",
      from: "dev",
      all: false,
      pr: false,
    });
    await expect(skip).rejects.toThrow(UsageError);
    await expect(skip).rejects.toThrow("prod promotes from staging, not dev");
  });

  it("refuses a service disabled in the previous environment", async () => {
    const root = repository();
    edit(
      root,
      "services/search/service.yaml",
      "    prod: { enabled: false }",
      "    staging: { enabled: false }",
    );
    const result = await promoteCommand({
      root,
      format: "text",
      service: "search",
      to: "prod",
      all: false,
      pr: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "error promote.not-running: search does not run in staging (disabled there)",
    );
    expect(git(root, "status", "--porcelain")).toBe("");
  });

  it("refuses a version that fails policy in the target environment, changing nothing", async () => {
    const root = repository();
    edit(
      root,
      CHECKOUT,
      "    staging: { replicas: 2 }",
      "    staging: { image: ghcr.io/acme/checkout:main-4f2a9c1, replicas: 2 }",
    );
    const result = await promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "prod",
      all: false,
      pr: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("policy.SEC003");
    expect(result.stdout).toContain(
      "promote to prod refused: checkout: ghcr.io/acme/checkout:1.4.2 -> ghcr.io/acme/checkout:main-4f2a9c1 fails the checks of prod; nothing was written",
    );
    expect(git(root, "status", "--porcelain")).toBe("");
  }, 30_000);

  it("--all --to staging (the README's example) promotes every release candidate dev runs, and every check passes after", async () => {
    const root = repository();
    const result = await promoteCommand({ root, format: "json", to: "staging", all: true, pr: false });
    expect(result.exitCode).toBe(0);
    const data = JSON.parse(result.stdout) as { moves: Array<{ service: string }>; refused: unknown[] };
    expect(data.moves.map((m) => m.service)).toEqual([
      "catalog",
      "checkout",
      "nightly-report",
      "payments",
      "search",
      "storefront",
    ]);
    expect(data.refused).toEqual([]);
    expect(readFileSync(join(root, "manifests/staging/checkout/manifest.yaml"), "utf8")).toContain(
      "image: ghcr.io/acme/checkout:1.5.0-rc.1",
    );
    expect((await validateCommand({ root, format: "text" })).exitCode).toBe(0);
    expect(
      (await renderCommand({ root, format: "text", check: true, allowEmpty: false, verify: false })).exitCode,
    ).toBe(0);
    expect((await codeownersCommand({ root, format: "text", check: true })).exitCode).toBe(0);
  }, 60_000);

  it("--all promotes each service that passes and reports each one that does not, exit 1", async () => {
    const root = repository();
    // checkout's dev build comes from acme-dev, which staging does not allow (SEC001); the others are fine.
    await change(root, CHECKOUT, "ghcr.io/acme/checkout:1.5.0-rc.1", "ghcr.io/acme-dev/checkout:1.5.0-rc.1");
    const result = await promoteCommand({ root, format: "text", to: "staging", all: true, pr: false });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "error policy.SEC001: image ghcr.io/acme-dev/checkout:1.5.0-rc.1 is not from a registry allowed in environment staging",
    );
    expect(result.stdout).toContain(
      "  ✗ checkout: ghcr.io/acme/checkout:1.4.2 -> ghcr.io/acme-dev/checkout:1.5.0-rc.1 fails the checks of staging (policy.SEC001)",
    );
    expect(result.stdout).toContain(
      "not promoted, 1 of 6 (each fails the checks of staging, see above): checkout",
    );
    // Only checkout's finding is reported: the refusal does not read as if every service failed.
    expect(result.stdout.match(/error policy\./g)).toHaveLength(1);
    expect(result.stdout).toContain(
      "promoted dev -> staging: catalog: ghcr.io/acme/catalog:1.8.0 -> ghcr.io/acme/catalog:1.9.0-rc.1;",
    );
    const changed = git(root, "status", "--porcelain").split("\n").filter(Boolean);
    expect(changed).toContain(" M services/catalog/service.yaml");
    expect(changed).toContain(" M manifests/staging/search/manifest.yaml");
    expect(
      changed.filter((line) => line.includes("checkout")),
      changed.join(";"),
    ).toEqual([]);
  }, 60_000);

  it("--all refuses when every service that differs fails, saying so, and writes nothing", async () => {
    const root = repository();
    const result = await promoteCommand({ root, format: "text", to: "prod", all: true, pr: false });
    // staging runs what prod runs: nothing to do.
    expect(result.stdout).toContain("nothing to promote from staging to prod");
    edit(
      root,
      CHECKOUT,
      "    staging: { replicas: 2 }",
      "    staging: { image: ghcr.io/acme/checkout:main-4f2a9c1, replicas: 2 }",
    );
    edit(
      root,
      "services/cart/service.yaml",
      "    dev: { replicas: 1 }",
      "    dev: { replicas: 1 }\n    staging: { image: ghcr.io/acme/cart:main-1 }",
    );
    const both = await promoteCommand({ root, format: "text", to: "prod", all: true, pr: false });
    expect(both.exitCode).toBe(1);
    expect(both.stdout).toContain(
      "promote to prod refused: each of the 2 services that differ fails the checks of prod (listed below); nothing was written",
    );
    expect(git(root, "status", "--porcelain")).toBe("");
  }, 60_000);

  it("--all into prod promotes what staging runs, leaving the rest", async () => {
    const root = repository();
    edit(
      root,
      "services/cart/service.yaml",
      "    dev: { replicas: 1 }",
      "    dev: { image: ghcr.io/acme/cart:0.13.0, replicas: 1 }",
    );
    await change(
      root,
      CHECKOUT,
      "    staging: { replicas: 2 }",
      "    staging: { image: ghcr.io/acme/checkout:1.4.3, replicas: 2 }",
    );
    const all = await promoteCommand({ root, format: "json", to: "prod", all: true, pr: false });
    expect(all.exitCode).toBe(0);
    const data = JSON.parse(all.stdout) as {
      moves: Array<{ service: string; image: string }>;
      unchanged: string[];
    };
    expect(data.moves.map((m) => `${m.service} ${m.image}`)).toEqual([
      "checkout ghcr.io/acme/checkout:1.4.3",
    ]);
    expect(data.unchanged).toContain("search: disabled in prod");
    expect(data.unchanged).toContain("cart: already runs ghcr.io/acme/cart:0.12.4 in prod");
  }, 60_000);
});

describe("idp promote --pr", () => {
  const github = usePullRequestFake();

  it("commits on idp/promote-ENV-..., pushes to origin and opens the pull request with what moves", async () => {
    const fake = await github.open(43);
    const root = repository();
    await change(
      root,
      CHECKOUT,
      "    staging: { replicas: 2 }",
      "    staging: { image: ghcr.io/acme/checkout:1.4.3, replicas: 2 }",
    );
    const origin = temp("idp-origin-");
    addBareOrigin(root, origin);
    const result = await promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "prod",
      all: false,
      pr: true,
      env: {
        GITHUB_TOKEN: "ghp_person",
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: "acme/shop",
        IDP_GITHUB_RETRY_DELAY_MS: "1",
      },
    });
    expect(result.stdout).toContain(
      "opened pull request #43 from idp/promote-prod-checkout-2026-11-25 into main",
    );
    expect(result.exitCode).toBe(0);
    expect(fake.violations).toEqual([]);
    const body = fake.requests.find((r) => r.operationId === "pulls/create")?.body as Record<string, string>;
    expect(body.title).toBe("Promote checkout to prod");
    expect(body.head).toBe("idp/promote-prod-checkout-2026-11-25");
    expect(body.base).toBe("main");
    expect(body.body).toContain(
      "| checkout | prod | `ghcr.io/acme/checkout:1.4.2` | `ghcr.io/acme/checkout:1.4.3` |",
    );
    const files = git(origin, "show", "--name-only", "--format=%s", "idp/promote-prod-checkout-2026-11-25")
      .trim()
      .split("\n");
    expect(files).toEqual([
      "Promote checkout to prod",
      "",
      "manifests/prod/checkout/.render-key",
      "manifests/prod/checkout/manifest.yaml",
      CHECKOUT,
    ]);
  }, 60_000);
});
