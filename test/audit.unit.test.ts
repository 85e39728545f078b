import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authorLabel, pullRequestOf, toAuthor } from "../scripts/audit/attribution.js";
import { parseDateFlag } from "../scripts/audit/dates.js";
import { patchDocument } from "../scripts/audit/patch-document.js";
import { checkFieldPath, diffSettings, fieldMatches } from "../scripts/audit/settings.js";
import { UsageError } from "../scripts/errors.js";
import { parseLog } from "../scripts/git/history.js";
import { parseYamlDocument } from "../scripts/model/parse-yaml.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "minimal");
const WEB = readFileSync(join(FIXTURE, "services", "web", "service.yaml"), "utf8");
const PROD = readFileSync(join(FIXTURE, "environments", "prod.yaml"), "utf8");

function parse(file: string, text: string) {
  const doc = parseYamlDocument(file, text).document;
  if (!doc) throw new Error(`${file} does not parse`);
  return doc;
}

describe("patchDocument: one changed line without parsing", () => {
  it.each([
    ["image bump", WEB, "image: ghcr.io/example/web:1.2.3", "image: ghcr.io/example/web:1.2.4"],
    ["replicas", WEB, "  replicas: 2\n", "  replicas: 5\n"],
    ["an override's replicas", WEB, "      replicas: 1", "      replicas: 3"],
    ["a nested env value", WEB, "LOG_LEVEL: info", "LOG_LEVEL: debug"],
    ["a resource quantity", WEB, "    cpu: 250m", "    cpu: 500m"],
  ])("%s gives what parsing gives", (_, text, from, to) => {
    const edited = text.replace(from, to);
    const patched = patchDocument(
      parse("services/web/service.yaml", text),
      "services/web/service.yaml",
      edited,
    );
    expect(patched).toBeDefined();
    expect(patched?.value).toEqual(parse("services/web/service.yaml", edited).value);
    expect(patched?.text).toBe(edited);
  });

  it.each([
    ["a number that is not an integer", WEB, "  replicas: 2\n", "  replicas: 2.5\n"],
    ["a string that reads as a boolean", WEB, "LOG_LEVEL: info", "LOG_LEVEL: true"],
    ["a quoted value", WEB, "LOG_LEVEL: info", 'LOG_LEVEL: "info"'],
    ["a flow mapping", PROD, "defaults: { replicas: 2,", "defaults: { replicas: 3,"],
    ["a key renamed", WEB, "  replicas: 2\n", "  replica: 2\n"],
    ["a comment added", WEB, "LOG_LEVEL: info", "LOG_LEVEL: info # loud"],
    ["a line added", WEB, "LOG_LEVEL: info", "LOG_LEVEL: info\n    EXTRA: x"],
    ["an item of a list", PROD, "registries: [ghcr.io/example]", "registries: [ghcr.io/other]"],
  ])("%s is left to the parser", (_, text, from, to) => {
    const edited = text.replace(from, to);
    expect(edited).not.toBe(text);
    expect(patchDocument(parse("f.yaml", text), "f.yaml", edited)).toBeUndefined();
  });

  it("keeps the parsed value when a line inside a sequence item changes", () => {
    const text = "spec:\n  ports:\n    - name: http\n      port: 80\n";
    const edited = text.replace("port: 80", "port: 81");
    expect(patchDocument(parse("f.yaml", text), "f.yaml", edited)).toBeUndefined();
  });
});

describe("attribution", () => {
  it.each([
    ["Merge pull request #123 from alice/bump", 123],
    ["Raise cart replicas (#13)", 13],
    ["Raise cart replicas (#13)  ", 13],
    ['Revert "Raise cart replicas (#13)"', null],
    ["Fix #12 in checkout", null],
    ["Merge branch 'main' into feature", null],
  ])("%s → pull request %s", (subject, pr) => {
    expect(pullRequestOf(subject)).toBe(pr);
  });

  it.each([
    [{ name: "Alice A", email: "12345+alice@users.noreply.github.com" }, "alice", "alice"],
    [{ name: "Bob", email: "bob@users.noreply.github.com" }, "bob", "bob"],
    [{ name: "Carol C", email: "carol@example.test" }, null, "Carol C"],
    [{ name: " ", email: "dave@example.test" }, null, "dave@example.test"],
  ])("%o → login %s, shown as %s", (person, login, label) => {
    const author = toAuthor(person);
    expect(author.login).toBe(login);
    expect(authorLabel(author)).toBe(label);
  });
});

describe("dates", () => {
  it.each([
    ["2026-11-20", "start", Date.UTC(2026, 10, 20) / 1000],
    ["2026-11-20", "end", Date.UTC(2026, 10, 20, 23, 59, 59) / 1000],
    ["2026-11-20T14:30:00Z", "start", Date.UTC(2026, 10, 20, 14, 30) / 1000],
    ["2026-11-20T15:30+01:00", "end", Date.UTC(2026, 10, 20, 14, 30) / 1000],
  ] as const)("%s (%s) → %s", (value, edge, seconds) => {
    expect(parseDateFlag("--since", value, edge)).toBe(seconds);
  });

  it.each(["2026-02-30", "2026-13-01", "20261120", "2026-11-20T25:00Z", "2026-11-20T10:00", "last week"])(
    "%s is refused",
    (value) => {
      expect(() => parseDateFlag("--at", value, "end")).toThrow(UsageError);
    },
  );
});

describe("diffSettings", () => {
  it("compares mappings key by key and lists whole, absent as null", () => {
    expect(
      diffSettings(
        { image: "a:1", replicas: 2, env: { A: "1", B: "2" }, calls: ["x"] },
        { image: "a:2", autoscale: { min: 1, max: 3 }, env: { A: "1" }, calls: ["x", "y"] },
      ),
    ).toEqual([
      { field: "image", before: "a:1", after: "a:2" },
      { field: "replicas", before: 2, after: null },
      { field: "env.B", before: "2", after: null },
      { field: "calls", before: ["x"], after: ["x", "y"] },
      { field: "autoscale.min", before: null, after: 1 },
      { field: "autoscale.max", before: null, after: 3 },
    ]);
  });

  it.each([
    ["resources.cpu", "resources", true],
    ["resources.cpu", "resources.cpu", true],
    ["imagePullPolicy", "image", false],
    ["env.LOG_LEVEL", "env.LOG", false],
  ])("field %s matches --field %s: %s", (field, prefix, matches) => {
    expect(fieldMatches(field, prefix)).toBe(matches);
  });
});

describe("checkFieldPath: --field names a setting of the resolved service", () => {
  it.each([
    "image",
    "name",
    "resources",
    "resources.limits.memory",
    "env.LOG_LEVEL",
    "secrets.DB_PASSWORD",
    "dependencies.orders-db.size",
    "probes.readiness.httpGet.path",
    "autoscale.min",
  ])("accepts %s", (path) => {
    expect(checkFieldPath(path)).toBeUndefined();
  });

  it.each([
    ["replica", 'unknown field "replica"; did you mean "replicas"?'],
    // Field names are case-sensitive, as in the service file.
    ["Image", 'unknown field "Image"; did you mean "image"?'],
    ["resources.limit.memory", 'unknown field "resources.limit"; did you mean "resources.limits"?'],
    ["dependencies.db.sizes", 'unknown field "dependencies.db.sizes"; did you mean "dependencies.db.size"?'],
    ["env.A.B", '"env.A" is one value, with no fields under it: use --field env.A'],
    ["ports.http", '"ports" is one value, with no fields under it: use --field ports'],
    ["route.", "a field path is names joined by single dots, such as resources.cpu"],
    ["autoscale.xyzzy", 'unknown field "autoscale.xyzzy"; the fields of autoscale are min, max, cpu'],
  ])("refuses %s: %s", (path, problem) => {
    expect(checkFieldPath(path)).toBe(problem);
  });
});

describe("parseLog", () => {
  it("reads commits, renames and deletions, and skips symlinks and commits without changes", () => {
    const zero = "0".repeat(40);
    const blob = "b".repeat(40);
    const output = [
      `\x1e${"1".repeat(40)}\x1f\x1fcarol\x1fcarol@example.test\x1f1700000000\x1fInitial`,
      "",
      `:000000 100644 ${zero} ${blob} A\tservices/web/service.yaml`,
      `:000000 120000 ${zero} ${blob} A\tservices/link/service.yaml`,
      `\x1e${"2".repeat(40)}\x1f${"1".repeat(40)}\x1falice\x1falice@example.test\x1f1700000100\x1fRename (#3)`,
      "",
      `:100644 100644 ${blob} ${blob} R093\tservices/web/service.yaml\tservices/shop/service.yaml`,
      `:100644 000000 ${blob} ${zero} D\tteams/old.yaml`,
      `\x1e${"3".repeat(40)}\x1f${"2".repeat(40)}\x1fbob\x1fbob@example.test\x1f1700000200\x1fREADME only`,
      "",
    ].join("\n");
    const commits = parseLog(output);
    expect(commits.map((c) => [c.subject, c.time, c.parents.length])).toEqual([
      ["Initial", 1700000000, 0],
      ["Rename (#3)", 1700000100, 1],
    ]);
    expect(commits[0]?.changes).toEqual([{ status: "added", path: "services/web/service.yaml", blob }]);
    expect(commits[1]?.changes).toEqual([
      { status: "renamed", path: "services/shop/service.yaml", from: "services/web/service.yaml", blob },
      { status: "deleted", path: "teams/old.yaml" },
    ]);
  });
});
