import { describe, expect, it } from "vitest";
import { checkoutHttp, observedExamples } from "../../test/support/observed-services.js";
import { serializeDocument } from "../render/serialize.js";
import { dashboardJson, serviceDashboardJson } from "./dashboard-json.js";
import { dashboardUid, serviceDashboard, teamDashboard } from "./dashboards.js";
import type { ObservedService } from "./model.js";

/** The same shapes under other names: dashes, digits, a team unlike the namespace, names inside names. */
const renamed: Array<Partial<ObservedService>> = [
  { name: "checkout-api-2", team: "pay-ments", namespace: "team-pay", environment: "prod-eu-1" },
  { name: "a", team: "b", namespace: "c", environment: "d" },
  { name: "prod", team: "prod", namespace: "prod-prod", environment: "prod" },
  { name: "api", team: "api-team", namespace: "api", environment: "api-gateway" },
];

const cases: Array<[string, ObservedService]> = observedExamples.flatMap(([kind, service]) => [
  [`${kind} ${service.name}`, service] as [string, ObservedService],
  ...renamed.map(
    (names) =>
      [`${kind} as ${names.name} of ${names.team} in ${names.environment}`, { ...service, ...names }] as [
        string,
        ObservedService,
      ],
  ),
]);

/** What serviceDashboardJson keys a shape on (tier, type, observability) and the names it puts in. */
const SHAPE_AND_NAMES = ["tier", "type", "observability", "name", "team", "namespace", "environment"];

describe("serviceDashboardJson", () => {
  it.each(cases)("%s: the same bytes as building the dashboard directly", (_, service) => {
    // Warm the template with another service of the same shape first, so this one is substituted.
    serviceDashboardJson({
      ...service,
      name: "warm-up",
      team: "other",
      namespace: "other",
      environment: "zz",
    });
    const text = serviceDashboardJson(service);
    expect(text).toBe(dashboardJson(serviceDashboard(service)));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(serviceDashboard(service))));
    expect(JSON.parse(text).uid).toBe(dashboardUid("service", service.environment, service.name));
  });

  it("keys the shape on everything serviceDashboard reads besides the names it substitutes", () => {
    // A field read here but missing from the shape key would be taken from another service.
    for (const [, service] of observedExamples) {
      const read = new Set<string>();
      const watched = new Proxy(service, {
        get(target, key, receiver) {
          if (typeof key === "string") read.add(key);
          return Reflect.get(target, key, receiver);
        },
      });
      serviceDashboard(watched);
      expect(read.size).toBeGreaterThan(0);
      expect([...read].filter((key) => !SHAPE_AND_NAMES.includes(key))).toEqual([]);
    }
  });

  it.each([
    ["a name that is not a DNS label", { name: "Check.Out" }],
    ["a namespace with a quote", { namespace: 'pay"ments' }],
    ["a name holding the stand-ins' mark", { name: "xslot1team1x" }],
    [
      "an error regex holding the stand-ins' mark",
      {
        observability: {
          ...checkoutHttp.observability,
          sli: { ...checkoutHttp.observability.sli, errorValues: "xslot0name0x" },
        },
      },
    ],
  ] as Array<[string, Partial<ObservedService>]>)("%s is built directly, not substituted", (_, change) => {
    serviceDashboardJson(checkoutHttp);
    const service = { ...checkoutHttp, ...change };
    expect(serviceDashboardJson(service)).toBe(dashboardJson(serviceDashboard(service)));
  });
});

describe("dashboardJson", () => {
  const team = teamDashboard(
    "storefront",
    "prod",
    observedExamples.map(([, s]) => s),
  );

  it("is the dashboard's JSON, one panel per line", () => {
    const text = dashboardJson(team);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(team)));
    const lines = text.split("\n");
    expect(lines).toHaveLength((team.panels ?? []).length + 2);
    expect(lines[0]).toMatch(/^\{.*"panels":\[$/);
    expect(lines.at(-1)).toMatch(/^\](,.*)?\}$/);
  });

  it("is written as a YAML literal block, its text as it is (no escaped quotes)", () => {
    const text = dashboardJson(serviceDashboard(checkoutHttp));
    const yaml = serializeDocument({ data: { "payments-checkout.json": text } });
    const body = text
      .split("\n")
      .map((line) => `    ${line}\n`)
      .join("");
    expect(yaml).toBe(`data:\n  payments-checkout.json: |-\n${body}`);
  });
});
