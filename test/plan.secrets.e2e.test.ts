import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../scripts/commands/plan.js";
import { validateCommand } from "../scripts/commands/validate.js";
import { git, pinToday, temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const temps = temporaryFolders();
pinToday("2026-11-25");

/** A copy of the examples in a git repository; `prepare` edits it before the base commit on main. */
function repository(prepare: (root: string) => void = () => undefined): string {
  const root = mkdtempSync(join(tmpdir(), "idp-secrets-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  prepare(root);
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  git(root, "checkout", "-q", "-b", "change");
  return root;
}

const CART = "services/cart/service.yaml";
const ENV_LINE = "    REDIS_URL: ${dependencies.sessions.url}\n";

function setEnv(root: string, lines: string): void {
  const path = join(root, CART);
  const text = readFileSync(path, "utf8");
  if (!text.includes(ENV_LINE)) throw new Error("the cart example changed");
  writeFileSync(path, text.replace(ENV_LINE, `${ENV_LINE}${lines}`));
}

const STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
const GITHUB = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
const SHORT_PASSWORD = "abc";
const KEY_LINE = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
const LEAKS = [
  `    STRIPE_API: ${STRIPE}\n`,
  `    GH: "${GITHUB}"\n`,
  `    DB_PASSWORD: ${SHORT_PASSWORD}\n`,
  "    DEPLOY: |\n",
  "      -----BEGIN OPENSSH PRIVATE KEY-----\n",
  `      ${KEY_LINE}\n`,
  "      -----END OPENSSH PRIVATE KEY-----\n",
  "    LOG_LEVEL: debug-verbose\n",
].join("");

/** Every output of `idp plan` on the change, and the comment that `idp comment` would post. */
async function outputs(root: string) {
  const run = (format: "text" | "markdown" | "json") =>
    planCommand({ root, format, base: "main", env: {} }).then((r) => r.stdout);
  const [text, markdown, json] = await Promise.all([run("text"), run("markdown"), run("json")]);
  return { text, markdown, json, comment: JSON.parse(json).markdown as string };
}

describe("values SEC004 flags are redacted in every output", () => {
  it("hides added credentials in the plan text, markdown, JSON artifact and comment, and keeps other values", async () => {
    const root = repository();
    setEnv(root, LEAKS);
    const out = await outputs(root);
    for (const [format, printed] of Object.entries(out)) {
      for (const secret of [STRIPE, GITHUB, KEY_LINE, "PRIVATE KEY-----", `DB_PASSWORD: ${SHORT_PASSWORD}`]) {
        expect({ format, leaked: printed.includes(secret) }).toEqual({ format, leaked: false });
      }
    }
    const diff = JSON.parse(out.json).environments[0].services.find(
      (s: { name: string }) => s.name === "cart",
    ).diff as string;
    expect(diff).toContain('+  STRIPE_API: "[REDACTED 1]"');
    expect(diff).toContain('+  GH: "[REDACTED 2]"');
    expect(diff).toContain('+  DB_PASSWORD: "[REDACTED 3]"');
    expect(diff).toContain('+  DEPLOY: "[REDACTED 4]"');
    expect(diff).toContain("+  LOG_LEVEL: debug-verbose");
    expect(out.text).toContain("   18 |     STRIPE_API: [REDACTED]\n");
    expect(out.text).toContain("   21 |     DEPLOY: [REDACTED]\n");
  });

  it("hides a credential the change removes (the base's value, in the diff's old lines)", async () => {
    const root = repository((r) => setEnv(r, `    STRIPE_API: ${STRIPE}\n`));
    const path = join(root, CART);
    writeFileSync(path, readFileSync(path, "utf8").replace(`    STRIPE_API: ${STRIPE}\n`, ""));
    const out = await outputs(root);
    for (const printed of Object.values(out)) expect(printed).not.toContain(STRIPE);
    expect(out.comment).toContain('-  STRIPE_API: "[REDACTED 1]"');
  });

  it("hides a credential of a service the change does not touch whose manifest it changes (checkout, through cart's port)", async () => {
    // checkout is resolved once and shared by both sides (its files are unchanged): its credential
    // is found by judging the head, and must still be hidden in the diff the change to cart causes.
    const CHECKOUT = "services/checkout/service.yaml";
    const CALL_LINE = "    CART_ADDR: ${calls.cart.address}\n";
    const root = repository((r) => {
      const path = join(r, CHECKOUT);
      const text = readFileSync(path, "utf8");
      if (!text.includes(CALL_LINE)) throw new Error("the checkout example changed");
      writeFileSync(path, text.replace(CALL_LINE, `${CALL_LINE}    CART_API: ${STRIPE}\n`));
    });
    const path = join(root, CART);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("port: 5050, targetPort: 5050", "port: 5051, targetPort: 5050"),
    );
    const out = await outputs(root);
    for (const printed of Object.values(out)) expect(printed).not.toContain(STRIPE);
    const checkout = JSON.parse(out.json).environments[0].services.find(
      (s: { name: string }) => s.name === "checkout",
    ).diff as string;
    expect(checkout).toContain("+  CART_ADDR: cart.storefront-dev.svc.cluster.local:5051");
    expect(checkout).toContain('   CART_API: "[REDACTED 1]"');
  });

  it("shows a changed credential as a change without either value", async () => {
    const other = "sk_live_9zY8xW7vU6tS5rQ4pO3nM2lK";
    const root = repository((r) => setEnv(r, `    STRIPE_API: ${STRIPE}\n`));
    const path = join(root, CART);
    writeFileSync(path, readFileSync(path, "utf8").replace(STRIPE, other));
    const out = await outputs(root);
    for (const printed of Object.values(out)) {
      expect(printed).not.toContain(STRIPE);
      expect(printed).not.toContain(other);
    }
    expect(out.comment).toContain('-  STRIPE_API: "[REDACTED 1]"');
    expect(out.comment).toContain('+  STRIPE_API: "[REDACTED 2]"');
  });

  it("hides the value in the source line printed under the validate diagnostic", async () => {
    const root = repository();
    setEnv(root, `    DB_PASSWORD: "${SHORT_PASSWORD}"\n    STRIPE_API: ${STRIPE}\n`);
    const result = await validateCommand({ root, format: "text" });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(STRIPE);
    expect(result.stdout).not.toContain(`"${SHORT_PASSWORD}"`);
    expect(result.stdout).toContain("   18 |     DB_PASSWORD: [REDACTED]\n");
    expect(result.stdout).toContain("   19 |     STRIPE_API: [REDACTED]\n");
  });

  it("hides a credential written beside secret parts of a composed value, and shows the rest as $(...) references", async () => {
    const password = "hunter2-Correct-Horse";
    const root = repository();
    setEnv(
      root,
      `    SESSIONS_DSN: "redis://admin:${password}@\${dependencies.sessions.host}:6379/0"\n` +
        "    SESSIONS_AT: ${dependencies.sessions.host}:${dependencies.sessions.port}/$(db)\n",
    );
    const out = await outputs(root);
    for (const printed of Object.values(out)) expect(printed).not.toContain(password);
    const diff = JSON.parse(out.json).environments[0].services.find(
      (s: { name: string }) => s.name === "cart",
    ).diff as string;
    expect(diff).toContain("+            - name: IDP.SESSIONS_AT.1");
    expect(diff).toContain('+              value: "$(IDP.SESSIONS_AT.1):6379/$$(db)"');
    // the composed value is in the Deployment's env, not the ConfigMap's data (which holds only the redacted marker)
    expect(diff).not.toMatch(/^\+\s+SESSIONS_AT:/m);
    expect(diff).toContain('+  SESSIONS_DSN: "[REDACTED 1]"');
  });

  it("prints harmless env values as they are", async () => {
    const root = repository();
    setEnv(root, "    LOG_LEVEL: debug-verbose\n");
    const out = await outputs(root);
    expect(out.comment).toContain("+  LOG_LEVEL: debug-verbose");
    expect(out.comment).not.toContain("REDACTED");
  });
});
