import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeownersCommand } from "../scripts/commands/codeowners.js";
import { newServiceCommand } from "../scripts/commands/new-service.js";
import { renderCommand } from "../scripts/commands/render.js";
import { validateCommand } from "../scripts/commands/validate.js";
import { git, useRenderedRepositories } from "./support/rendered-repository.js";

const NOT_A_TTY = { isTTY: false } as NodeJS.ReadableStream & { isTTY?: boolean };
const { repository } = useRenderedRepositories("idp-generated-");

/** The exit codes of every check CI runs on a pull request. */
async function checks(root: string) {
  return {
    validate: (await validateCommand({ root, format: "text" })).exitCode,
    render: (await renderCommand({ root, format: "text", check: true, allowEmpty: false, verify: false }))
      .exitCode,
    codeowners: (await codeownersCommand({ root, format: "text", check: true })).exitCode,
  };
}

const PASSING = { validate: 0, render: 0, codeowners: 0 };

describe("generated files move together", () => {
  it("after idp new service reviews --team storefront --type worker, every check passes", async () => {
    const root = repository();
    const result = await newServiceCommand({
      root,
      format: "text",
      name: "reviews",
      team: "storefront",
      type: "worker",
      pr: false,
      stdin: NOT_A_TTY,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("(and updated .github/CODEOWNERS)");
    expect(result.stdout).toContain("  + .github/CODEOWNERS");
    expect(await checks(root)).toEqual(PASSING);
    const owners = readFileSync(join(root, ".github/CODEOWNERS"), "utf8");
    expect(owners).toContain("/services/reviews/ @acme/storefront\n");
    expect(owners).toContain("/manifests/*/reviews/ @acme/storefront\n");
  }, 60_000);

  it("a service added by hand: render --check and codeowners --check fail, one idp render brings every check back", async () => {
    const root = repository();
    mkdirSync(join(root, "services/wishlist"));
    writeFileSync(
      join(root, "services/wishlist/service.yaml"),
      [
        "# yaml-language-server: $schema=../../schemas/service.schema.json",
        "apiVersion: idp/v1",
        "kind: Service",
        "metadata: { name: wishlist, team: storefront, description: Saves products for later, tier: standard }",
        "spec:",
        "  type: worker",
        "  image: ghcr.io/acme/wishlist:0.1.0",
        "  resources: { cpu: 100m, memory: 128Mi }",
        "",
      ].join("\n"),
    );
    expect(await checks(root)).toEqual({ validate: 0, render: 1, codeowners: 1 });
    const stale = await renderCommand({
      root,
      format: "text",
      check: true,
      allowEmpty: false,
      verify: false,
    });
    expect(stale.stdout).toContain(
      "manifests/ is stale: 6 added, 6 changed, 0 removed, 47 unchanged and .github/CODEOWNERS is stale; run idp render and commit the result",
    );
    expect(stale.stdout).toContain("error codeowners.stale: .github/CODEOWNERS is stale");
    const rendered = await renderCommand({
      root,
      format: "text",
      check: false,
      allowEmpty: false,
      verify: false,
    });
    expect(rendered.exitCode).toBe(0);
    expect(rendered.stdout).toContain("  ~ .github/CODEOWNERS");
    expect(await checks(root)).toEqual(PASSING);
    // A render with nothing to do leaves CODEOWNERS alone.
    git(root, "add", "-A");
    git(root, "commit", "-qm", "wishlist");
    const again = await renderCommand({
      root,
      format: "json",
      check: false,
      allowEmpty: false,
      verify: false,
    });
    expect(JSON.parse(again.stdout).codeowners).toBe("up to date");
    expect(git(root, "status", "--porcelain")).toBe("");
  }, 60_000);

  it("render does not create a CODEOWNERS in a repository that keeps none", async () => {
    const root = repository();
    git(root, "rm", "-q", ".github/CODEOWNERS");
    git(root, "commit", "-qm", "no code owners");
    const rendered = await renderCommand({
      root,
      format: "json",
      check: false,
      allowEmpty: false,
      verify: false,
    });
    expect(rendered.exitCode).toBe(0);
    expect(JSON.parse(rendered.stdout).codeowners).toBeUndefined();
    expect(git(root, "status", "--porcelain")).toBe("");
  }, 60_000);
});
