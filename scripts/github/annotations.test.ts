import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../report/diagnostic.js";
import { inBatches, toAnnotations } from "./annotations.js";
import { chooseComment, fitComment, MAX_COMMENT_LENGTH } from "./sticky-comment.js";

const diagnostic: Diagnostic = {
  severity: "warning",
  code: "policy.REL001",
  message: "replicas 12 is over 10",
  file: "./services/cart/service.yaml",
  line: 0,
  column: 1,
};

describe("toAnnotations", () => {
  it("maps a diagnostic to an annotation on its line, with the code as title", () => {
    expect(toAnnotations([{ ...diagnostic, line: 9, hint: "lower it" }])).toEqual([
      {
        path: "services/cart/service.yaml",
        start_line: 9,
        end_line: 9,
        annotation_level: "warning",
        message: "replicas 12 is over 10\nhint: lower it",
        title: "policy.REL001",
      },
    ]);
  });

  it("puts a finding without a usable line on line 1", () => {
    expect(toAnnotations([diagnostic])[0]?.start_line).toBe(1);
  });
});

describe("inBatches", () => {
  it.each([
    [0, []],
    [50, [50]],
    [51, [50, 1]],
    [120, [50, 50, 20]],
  ])("splits %i items into batches of %j", (count, sizes) => {
    expect(inBatches(Array.from({ length: count }, (_, i) => i)).map((b) => b.length)).toEqual(sizes);
  });
});

describe("the sticky comment", () => {
  const a = { id: 1, user: { login: "octocat" } };
  const b = { id: 2, user: { login: "github-actions[bot]" } };
  it.each([
    [[a, b], "github-actions[bot]", 2],
    [[a, b], "someone-else", undefined],
    [[a, b], undefined, undefined],
    [[a], "github-actions[bot]", undefined],
    [[], "octocat", undefined],
  ])("chooses among %j for %s: %s", (candidates, login, id) => {
    expect(chooseComment(candidates, login)?.id).toBe(id);
  });

  it("cuts a body GitHub would refuse and says so", () => {
    const cut = fitComment("x".repeat(MAX_COMMENT_LENGTH + 10));
    expect(cut.length).toBe(MAX_COMMENT_LENGTH);
    expect(cut).toMatch(/cut: the comment was longer than GitHub allows/);
    expect(fitComment("short")).toBe("short");
  });
});
