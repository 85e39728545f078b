import type { ObservedService } from "./model.js";
import { formatNumber, matcher, metricName, regexLiteral } from "./promql.js";

/** The SLIs a service can have an objective for. */
export type SliKind = "availability" | "latency";

/**
 * Name of the recorded ratio of bad requests over `window`: failed requests
 * (availability) or requests slower than the latency threshold (latency).
 * Series keep the labels namespace and service.
 */
export function ratioRecord(kind: SliKind, window: string): string {
  return kind === "availability"
    ? `namespace_service:sli_error:ratio_rate${window}`
    : `namespace_service:sli_latency_over_threshold:ratio_rate${window}`;
}

/** `namespace="…",service="…"`: the labels every series of the service carries (see ObservedService). */
export function serviceMatchers(service: Pick<ObservedService, "namespace" | "name">): string {
  return `${matcher("namespace", service.namespace)},${matcher("service", service.name)}`;
}

const BY = "sum by (namespace, service)";

/** The PromQL pieces of one service's SLIs, checked and quoted once. */
export interface SliSeries {
  /** All requests: the histogram's _count series. */
  requests: string;
  /** Failed requests (the error label matching the error values). */
  errors: string;
  /** Requests at or under the latency threshold, when the service has a latency objective. */
  fast?: string;
  /** The histogram's _bucket series, for quantiles. */
  buckets: string;
}

/** The series selectors of a service's SLIs. Throws (PromqlValueError) on a metric or label name PromQL cannot hold. */
export function sliSeries(service: ObservedService): SliSeries {
  const { sli, slo } = service.observability;
  const base = metricName(sli.duration);
  const own = serviceMatchers(service);
  const series: SliSeries = {
    requests: `${base}_count{${own}}`,
    errors: `${base}_count{${own},${matcher(sli.errorLabel, sli.errorValues, "=~")}}`,
    buckets: `${base}_bucket{${own}}`,
  };
  if (slo?.latency)
    series.fast = `${base}_bucket{${own},${matcher("le", leRegex(slo.latency.threshold), "=~")}}`;
  return series;
}

/**
 * The `le` values a bucket boundary is written as: Prometheus 3 writes
 * whole numbers as "1.0" on ingestion, OpenTelemetry and Prometheus 2 as "1".
 */
function leRegex(threshold: number): string {
  const text = formatNumber(threshold);
  const forms = Number.isInteger(threshold) ? [text, `${text}.0`] : [text];
  return forms.map(regexLiteral).join("|");
}

/**
 * Share of failed requests over `range` (a duration or a Grafana variable
 * such as `$__rate_interval`): 0, not "no data", while no request has failed.
 */
export function errorRatioExpr(series: SliSeries, range: string): string {
  const all = `${BY} (rate(${series.requests}[${range}]))`;
  return `(${BY} (rate(${series.errors}[${range}])) or 0 * ${all}) / ${all}`;
}

/** Share of requests slower than the latency threshold over `range`; undefined without a latency objective. */
export function slowRatioExpr(series: SliSeries, range: string): string | undefined {
  if (!series.fast) return undefined;
  return `1 - ${BY} (rate(${series.fast}[${range}])) / ${BY} (rate(${series.requests}[${range}]))`;
}

/** The error budget of an objective in percent, as a ratio: 99.9 → 0.001. */
export function errorBudget(objectivePercent: number): number {
  return Number(((100 - objectivePercent) / 100).toPrecision(12));
}
