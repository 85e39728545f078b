import { isIPv4, isIPv6 } from "node:net";
import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import type { ResolvedService } from "./resolved.js";

/**
 * Checks what the schema's CIDR pattern cannot: the address is a real IPv4
 * or IPv6 address, the prefix fits it, and no host bits are set (Kubernetes
 * warns on `10.0.0.1/8`, and a reader takes it for one host).
 */
export function checkEgress(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  service.egress.forEach((rule, index) => {
    if (!("cidr" in rule)) return;
    const problem = cidrProblem(rule.cidr);
    if (!problem) return;
    const list = origin("egress");
    findings.error(
      "resolve.egress-cidr",
      `egress[${index}].cidr ${rule.cidr} ${problem}`,
      { file: list.file, path: [...list.path, index, "cidr"] },
      {
        environment: service.environment,
        hint: "write the network address and its prefix length, such as 203.0.113.0/24 or 2001:db8::/32",
      },
    );
  });
}

/** What is wrong with a CIDR, or undefined when it is a network address and prefix. */
export function cidrProblem(cidr: string): string | undefined {
  const [address = "", prefixText = ""] = cidr.split("/");
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (bits === 0) return "is not an IPv4 or IPv6 address";
  const prefix = Number(prefixText);
  if (!/^[0-9]{1,3}$/.test(prefixText) || prefix > bits) return `has a prefix length above ${bits}`;
  const value = bits === 32 ? ipv4Bits(address) : ipv6Bits(address);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) return "has host bits set after the prefix";
  return undefined;
}

function ipv4Bits(address: string): bigint {
  return address.split(".").reduce((sum, octet) => (sum << 8n) | BigInt(Number(octet)), 0n);
}

/** The 128 bits of an IPv6 address (`::` expanded, an embedded IPv4 tail read as two groups). */
function ipv6Bits(address: string): bigint {
  let text = address;
  const tail = /([0-9.]+)$/.exec(text)?.[1];
  if (tail?.includes(".")) {
    const v4 = ipv4Bits(tail);
    text = `${text.slice(0, -tail.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups =
    rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
