import { describe, expect, it } from "vitest";
import { cidrProblem } from "./egress-check.js";

describe("cidrProblem", () => {
  it.each(["203.0.113.0/24", "0.0.0.0/0", "10.1.2.3/32", "2001:db8::/32", "::/0", "::ffff:192.0.2.0/120"])(
    "accepts %s",
    (cidr) => expect(cidrProblem(cidr)).toBeUndefined(),
  );
  it.each([
    ["300.0.0.0/8", "is not an IPv4 or IPv6 address"],
    ["10.0.0.0/33", "has a prefix length above 32"],
    ["2001:db8::/129", "has a prefix length above 128"],
    ["10.0.0.1/8", "has host bits set after the prefix"],
    ["2001:db8::1/64", "has host bits set after the prefix"],
    ["::ffff:192.0.2.1/120", "has host bits set after the prefix"],
  ])("refuses %s: %s", (cidr, problem) => expect(cidrProblem(cidr)).toBe(problem));
});
