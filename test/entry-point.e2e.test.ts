import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const BUILDING = /idp: building \(tsc, schema precompile\)/;
/** What a copy of the tool needs: its sources, the build's inputs and output (built by the global setup). */
const TOOL_FILES = [
  "bin",
  "tools/build.mjs",
  "scripts",
  "bench",
  "schemas",
  "upstream",
  "dist",
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  "package-lock.json",
];

const temps = temporaryFolders();

/** A copy of this tool, built and stamped as the global setup left it, sharing node_modules. */
function toolCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), "idp-entry-"));
  temps.push(copy);
  for (const file of TOOL_FILES) cpSync(join(ROOT, file), join(copy, file), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

function idp(tool: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [join(tool, "bin", "idp.js"), ...args], {
    cwd: tool,
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs the entry point without waiting, so two can race for one build. */
function idpAsync(tool: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(tool, "bin", "idp.js"), ...args], { cwd: tool });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", () => done({ stdout, stderr }));
  });
}

describe("bin/idp.js, the entry point of npx idp, npm run idp and CI", () => {
  it("runs the built CLI without building when nothing changed, nor when a file is only touched or a unit test edited", () => {
    const tool = toolCopy();
    // cpSync gives every copied file a new time: read once, found equal, and recorded.
    expect(idp(tool, "--version")).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
    const stamp = readFileSync(join(tool, "dist", ".build-stamp"), "utf8");
    expect(idp(tool, "--version")).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
    expect(readFileSync(join(tool, "dist", ".build-stamp"), "utf8")).toBe(stamp);

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(tool, "scripts", "run.ts"), later, later);
    writeFileSync(join(tool, "scripts", "model", "names.test.ts"), "// a unit test is not compiled\n");
    expect(idp(tool, "--version")).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("rebuilds once when a source changed, with the build's output on stderr only, even with two runs racing", async () => {
    const tool = toolCopy();
    const run = join(tool, "scripts", "run.ts");
    writeFileSync(run, readFileSync(run, "utf8").replace('.version("0.1.0")', '.version("0.1.0-edited")'));
    const [first, second] = await Promise.all([idpAsync(tool, "--version"), idpAsync(tool, "--version")]);
    expect([first?.stdout, second?.stdout]).toEqual(["0.1.0-edited\n", "0.1.0-edited\n"]);
    // One of them built (holding dist/.build-lock); the other waited and found the build fresh.
    expect([first?.stderr, second?.stderr].filter((stderr) => BUILDING.test(stderr ?? ""))).toHaveLength(1);
    expect(existsSync(join(tool, "dist", ".build-lock"))).toBe(false);
    expect(idp(tool, "--version")).toEqual({ status: 0, stdout: "0.1.0-edited\n", stderr: "" });
  }, 180_000);
});
