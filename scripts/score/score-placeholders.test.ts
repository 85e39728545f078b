import { describe, expect, it } from "vitest";
import { formatOurValue, formatScoreValue, parseOurValue, parseScoreValue } from "./score-placeholders.js";

describe("Score values", () => {
  it.each([
    ["plain", [{ kind: "text", text: "plain" }]],
    ["$$_$${fizzbuzz}", [{ kind: "text", text: "$_${fizzbuzz}" }]],
    ["a $ b", [{ kind: "text", text: "a $ b" }]],
    ["${open", [{ kind: "text", text: "${open" }]],
    [
      "${resources.db.host}:5432",
      [
        { kind: "ref", path: ["resources", "db", "host"], raw: "${resources.db.host}", offset: 0 },
        { kind: "text", text: ":5432" },
      ],
    ],
  ])("%s parses as Score substitutes it", (value, parts) => {
    expect(parseScoreValue(value)).toEqual(parts);
  });

  it.each(["plain", "$$_$${fizzbuzz}", "x ${resources.db.host}:${resources.db.port} y", "100$$"])(
    "%s formats back to the same text",
    (value) => {
      expect(formatScoreValue(parseScoreValue(value))).toBe(value);
    },
  );
});

describe("our values", () => {
  it("reads $${ as a literal ${ and only known placeholders as references", () => {
    expect(parseOurValue("$${x} ${calls.cart.host} ${other}")).toEqual([
      { kind: "text", text: "${x} " },
      { kind: "ref", path: ["calls", "cart", "host"], raw: "${calls.cart.host}", offset: 6 },
      { kind: "text", text: " ${other}" },
    ]);
  });

  it("writes a literal ${ as $${", () => {
    expect(formatOurValue([{ kind: "text", text: "$_${fizzbuzz}" }])).toBe("$_$${fizzbuzz}");
  });

  it("refuses a literal $ right before a reference, which would read as the escape", () => {
    expect(
      formatOurValue([
        { kind: "text", text: "cost $" },
        { kind: "ref", path: ["calls", "a", "port"], raw: "", offset: 0 },
      ]),
    ).toEqual({ problem: "a literal $ right before a placeholder cannot be written in our format" });
  });
});
