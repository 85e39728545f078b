import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { pinToday } from "./support/suite.js";

const freshRepo = fixtureRepos("idp-format");
pinToday("2026-06-15");

describe("every command prints the --format it accepts, and refuses the others", () => {
  it.each([
    [["audit"], "github", "text, json, markdown"],
    [["new", "service", "toys", "--team", "shop", "--type", "worker"], "markdown", "text, json, github"],
    [["promote", "api", "--to", "prod"], "markdown", "text, json, github"],
    [["comment", "--pr", "1"], "github", "text, json"],
    [["catalog", "--out", "catalog"], "markdown", "text, json, github"],
  ])(
    "idp %j refuses --format %s, naming the formats it prints, and writes nothing",
    async (args, format, allowed) => {
      const repo = freshRepo();
      const before = snapshotTree(repo);
      const result = await run([...args, "--format", format], repo);
      expect(result).toEqual({
        exitCode: 2,
        stdout: "",
        stderr: `idp: option '--format <format>' argument '${format}' is invalid. Allowed choices are ${allowed}.\nrun 'idp --help' for usage\n`,
      });
      expect(snapshotTree(repo)).toEqual(before);
    },
  );

  it("new service --format json prints one JSON object", async () => {
    const repo = freshRepo();
    const result = await run(
      ["new", "service", "toys", "--team", "shop", "--type", "worker", "--format", "json"],
      repo,
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      file: "services/toys/service.yaml",
      type: "worker",
    });
  });
});
