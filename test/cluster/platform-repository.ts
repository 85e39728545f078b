import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { run } from "../../scripts/run.js";
import { editYaml } from "./rendered-copy.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURE = join(ROOT, "test", "fixtures", "minimal");

/** Runs git in `cwd` as a fixed author; returns its output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], {
    cwd,
    encoding: "utf8",
    stdio: "pipe",
  });
}

/**
 * Runs git in `cwd` without blocking the event loop (which a git server in
 * this same process needs to answer), trusting `caFile` for HTTPS; resolves
 * with its output.
 */
export async function gitAsync(cwd: string, args: readonly string[], caFile?: string): Promise<string> {
  // git's gnutls build reads a CA file from GIT_SSL_CAINFO (not from -c http.sslCAInfo)
  const env = caFile ? { ...process.env, GIT_SSL_CAINFO: caFile } : process.env;
  const { stdout } = await promisify(execFile)(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args],
    { cwd, encoding: "utf8", env },
  );
  return stdout;
}

/** A platform repository being edited in `work` and pushed to the served bare repository. */
export interface PlatformRepository {
  work: string;
  /** Writes services/<name>/service.yaml (or removes the folder when `service` is undefined). */
  setService(name: string, service: Record<string, unknown> | undefined): void;
  /** `idp render`, then commits everything and pushes to the served repository; returns the commit. */
  renderCommitPush(message: string): Promise<string>;
}

/**
 * A platform repository with one environment, `dev` (from the minimal
 * fixture), switched to Flux in `namespace` and following `repoURL` (the
 * test's git server), team `shop` and no services; its bare twin is
 * `<served>/platform.git`, which the git server serves.
 */
export function createPlatformRepository(options: {
  work: string;
  served: string;
  repoURL: string;
  namespace: string;
}): PlatformRepository {
  const { work, served } = options;
  mkdirSync(join(work, "environments"), { recursive: true });
  mkdirSync(join(work, "services"), { recursive: true });
  cpSync(join(FIXTURE, "environments", "dev.yaml"), join(work, "environments", "dev.yaml"));
  cpSync(join(FIXTURE, "teams"), join(work, "teams"), { recursive: true });
  cpSync(join(ROOT, "schemas"), join(work, "schemas"), { recursive: true });
  const env = join(work, "environments", "dev.yaml");
  editYaml(env, ["spec", "gitops"], {
    controller: "flux",
    repoURL: options.repoURL,
    revision: "main",
    namespace: options.namespace,
  });
  const bare = join(served, "platform.git");
  mkdirSync(bare, { recursive: true });
  git(bare, "init", "-q", "--bare", "-b", "main");
  git(work, "init", "-q", "-b", "main");
  return {
    work,
    setService(name, service) {
      const folder = join(work, "services", name);
      if (!service) {
        rmSync(folder, { recursive: true, force: true });
        return;
      }
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "service.yaml"), stringify(service));
    },
    async renderCommitPush(message) {
      const rendered = await run(["render", "--root", work, "--allow-empty"]);
      if (rendered.exitCode !== 0)
        throw new Error(`idp render failed:\n${rendered.stdout}${rendered.stderr}`);
      git(work, "add", "-A");
      git(work, "commit", "-qm", message);
      git(work, "push", "-q", bare, "main");
      return git(work, "rev-parse", "HEAD").trim();
    },
  };
}

/** A minimal service of team shop in the idp/v1 format. */
export function shopService(name: string, type: "web" | "worker", image: string): Record<string, unknown> {
  return {
    apiVersion: "idp/v1",
    kind: "Service",
    metadata: { name, team: "shop", description: `The ${name} service`, tier: "standard" },
    spec: {
      type,
      image,
      ...(type === "web" ? { port: 8080 } : {}),
      resources: { cpu: "50m", memory: "64Mi" },
    },
  };
}
