import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGitHttpServer } from "./git-http-server.js";
import { createPki } from "./pki.js";
import { git, gitAsync } from "./platform-repository.js";

const dir = mkdtempSync(join(tmpdir(), "idp-git-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the test git server", () => {
  it("serves a bare repository over HTTPS to git's smart protocol: clone sees each pushed commit", async () => {
    const pki = createPki(dir);
    const served = join(dir, "served");
    const bare = join(served, "platform.git");
    mkdirSync(bare, { recursive: true });
    git(bare, "init", "-q", "--bare", "-b", "main");
    const work = join(dir, "work");
    mkdirSync(work);
    git(work, "init", "-q", "-b", "main");
    writeFileSync(join(work, "a.txt"), "one\n");
    git(work, "add", "-A");
    git(work, "commit", "-qm", "one");
    git(work, "push", "-q", bare, "main");
    const server = await startGitHttpServer({
      projectRoot: served,
      certFile: pki.certFile,
      keyFile: pki.keyFile,
    });
    try {
      const url = `${server.url}/platform.git`;
      await gitAsync(dir, ["clone", "-q", url, "clone"], pki.caFile);
      expect(readFileSync(join(dir, "clone", "a.txt"), "utf8")).toBe("one\n");
      writeFileSync(join(work, "a.txt"), "two\n");
      git(work, "commit", "-qam", "two");
      git(work, "push", "-q", bare, "main");
      await gitAsync(join(dir, "clone"), ["pull", "-q", "--ff-only"], pki.caFile);
      expect(readFileSync(join(dir, "clone", "a.txt"), "utf8")).toBe("two\n");
      await expect(gitAsync(dir, ["ls-remote", `${server.url}/nothing.git`], pki.caFile)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});
