import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditCommand } from "../scripts/commands/audit.js";
import { formatPlanMarkdown } from "../scripts/plan/format-markdown.js";
import { formatPlanText } from "../scripts/plan/format-text.js";
import { code, escapeMarkdown } from "../scripts/plan/markdown-text.js";
import type { Plan } from "../scripts/plan/plan.js";
import type { Diagnostic } from "../scripts/report/diagnostic.js";
import { formatMarkdown } from "../scripts/report/markdown.js";
import { printable, printableSource } from "../scripts/report/terminal-text.js";
import { formatText } from "../scripts/report/text.js";
import { run } from "../scripts/run.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "minimal");
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Terminal attacks: set the window title, clear the screen, a one-byte CSI, overwrite with CR, reverse the text. */
const HOSTILE = "Mal\u001b]0;owned\u0007ory\u202e\u001b[2J\u009b31m\rX";
/** The raw terminal-unsafe characters of HOSTILE found in `text`. */
const unsafe = (text: string) => [...text].filter((c) => "\u001b\u0007\u009b\u202e\r".includes(c));
const HOSTILE_SHOWN = "Mal\\u001b]0;owned\\u0007ory\\u202e\\u001b[2J\\u009b31m\\u000dX";

describe("terminal text is inert", () => {
  it("shows control, C1, bidi and line-breaking characters as escapes", () => {
    expect(printable(HOSTILE)).toBe(HOSTILE_SHOWN);
    expect(printable("a\nb\u2028c\u2066d\u200fe\tf")).toBe("a\\u000ab\\u2028c\\u2066d\\u200fe\\u0009f");
  });

  it("leaves ordinary text alone, accents and emoji included", () => {
    expect(printable("Zoë Ångström 🚀 — ok: 1.4.2")).toBe("Zoë Ångström 🚀 — ok: 1.4.2");
    expect(printableSource("  key:\tvalue")).toBe("  key:\tvalue");
  });

  it("escapes a hostile message, hint and source line in the diagnostics text reporter", () => {
    const diagnostic: Diagnostic = {
      code: "schema.type",
      severity: "error",
      message: `spec.replicas must be an integer, got "${HOSTILE}"`,
      file: "services/x/service.yaml",
      line: 1,
      column: 11,
      hint: "fix\nservices/y/service.yaml:1:1: error forged",
    };
    const sources = new Map([["services/x/service.yaml", `replicas: ${HOSTILE}`]]);
    expect(formatText([diagnostic], sources)).toBe(
      [
        `services/x/service.yaml:1:11: error schema.type: spec.replicas must be an integer, got "${HOSTILE_SHOWN}"`,
        `    1 | replicas: ${HOSTILE_SHOWN}`,
        "      |           ^",
        "  hint: fix\\u000aservices/y/service.yaml:1:1: error forged",
        "",
      ].join("\n"),
    );
  });

  it("escapes a hostile path in the message of an error (exit 2)", async () => {
    const outcome = await run(["validate", "--root", "/nonexistent\u001b[2J\u202e"]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("/nonexistent\\u001b[2J\\u202e");
    expect(unsafe(outcome.stderr)).toEqual([]);
  });

  it("escapes an author name with escape sequences in `idp audit`, text and markdown", async () => {
    const root = mkdtempSync(join(tmpdir(), "idp-inert-"));
    temps.push(root);
    cpSync(FIXTURE, root, { recursive: true });
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: HOSTILE,
      GIT_AUTHOR_EMAIL: "mallory@example.test",
      GIT_AUTHOR_DATE: "2026-11-01T09:00:00Z",
      GIT_COMMITTER_NAME: "ci",
      GIT_COMMITTER_EMAIL: "ci@example.test",
      GIT_COMMITTER_DATE: "2026-11-01T09:00:00Z",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
    };
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, env, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "Initial \u001b[31mconfiguration @acme/platform-team (#7)");
    const sha = git("rev-parse", "--short=7", "HEAD").trim();
    const text = (await auditCommand({ root, format: "text", service: "web", environment: "dev" })).stdout;
    expect(unsafe(text)).toEqual([]);
    expect(text.split("\n")[0]).toBe(
      `2026-11-01 ${HOSTILE_SHOWN} (#7) ${sha}  web dev: added (image ghcr.io/example/web:1.2.3, replicas 1)`,
    );
    const markdown = (await auditCommand({ root, format: "markdown", service: "web", environment: "dev" }))
      .stdout;
    expect(markdown).toContain(`| 2026-11-01 | ${escapeMarkdown(HOSTILE)} | #7 | ${code(sha)} | web | dev |`);
  });
});

/** A plan with hostile values wherever a YAML or git value reaches the comment. */
function hostilePlan(): Plan {
  return {
    base: "main",
    baseSha: "a".repeat(40),
    headSha: "b".repeat(40),
    verdict: { ok: false, summary: "❌ 1 error blocks this change" },
    diagnostics: [
      {
        code: "policy.SEC005",
        severity: "error",
        message:
          "route host <img src=x onerror=alert(1)> for @acme/platform-team, see https://evil.example/x",
        file: "services/web/service.yaml",
        line: 3,
        column: 5,
        hint: "ask @mallory at www.evil.example </details>",
      },
    ],
    environments: [
      {
        name: "dev</b><script>x</script>",
        services: [
          {
            name: "web",
            status: "changed",
            objects: [
              {
                kind: "ConfigMap",
                name: "web-env",
                status: "changed",
                summary: ["env NOTE a → @here https://x.example"],
              },
            ],
            diff: "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-NOTE: a\n+NOTE: '@here https://x.example'\n",
          },
        ],
      },
    ],
    notes: ["note from @octocat: <b>bold</b>"],
    sources: new Map(),
  };
}

describe("markdown is inert", () => {
  it("escapes HTML, mentions and bare URLs", () => {
    expect(escapeMarkdown("@acme/platform-team and @user")).toBe(
      "@&#8203;acme/platform-team and @&#8203;user",
    );
    expect(escapeMarkdown("see https://evil.example/a_b and www.evil.example")).toBe(
      "see https:&#8203;//evil.example/a\\_b and www&#8203;.evil.example",
    );
    expect(escapeMarkdown("</details><img src=x onerror=alert(1)>")).toBe(
      "&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;",
    );
    expect(escapeMarkdown("mail me: a@b.example\r\nnext")).toBe("mail me: a@&#8203;b.example next");
  });

  it("leaves ordinary names and words as they are", () => {
    expect(escapeMarkdown("checkout in prod: replicas 2 → 3")).toBe("checkout in prod: replicas 2 → 3");
  });

  it("puts no live mention, link or tag from a value into the plan comment", () => {
    const markdown = formatPlanMarkdown(hostilePlan());
    const outsideCode = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    expect(outsideCode).not.toMatch(/@[A-Za-z]/);
    expect(outsideCode).not.toMatch(/https?:\/\//);
    expect(outsideCode).not.toMatch(/<(img|script|\/details><)/);
    expect(markdown).toContain(
      "<details><summary><b>dev&lt;/b&gt;&lt;script&gt;x&lt;/script&gt;</b>: web changed</summary>",
    );
    expect(markdown).toContain("> note from @&#8203;octocat: &lt;b&gt;bold&lt;/b&gt;");
    expect(markdown).toContain(
      "| ❌ | `services/web/service.yaml:3` | `policy.SEC005` | route host &lt;img src=x onerror=alert(1)&gt; for @&#8203;acme/platform-team, see https:&#8203;//evil.example/x<br>_ask @&#8203;mallory at www&#8203;.evil.example &lt;/details&gt;_ |",
    );
    expect(markdown).toContain(
      "- `ConfigMap web-env` changed: env NOTE a → @&#8203;here https:&#8203;//x.example",
    );
    // Inside a fenced diff nothing is a mention or a link, so the value is kept as it is.
    expect(markdown).toContain("+NOTE: '@here https://x.example'");
  });

  it("escapes the validate report's markdown table the same way", () => {
    const [diagnostic] = hostilePlan().diagnostics;
    expect(formatMarkdown(diagnostic ? [diagnostic] : [])).toContain(
      "| ❌ | `services/web/service.yaml:3:5` | `policy.SEC005` | route host &lt;img src=x onerror=alert(1)&gt; for @&#8203;acme/platform-team",
    );
  });

  it("prints the plan's names and notes escaped for a terminal", () => {
    const plan = hostilePlan();
    plan.notes = [`from ${HOSTILE}`];
    expect(formatPlanText(plan)).toContain(`note: from ${HOSTILE_SHOWN}\n`);
  });
});
