/**
 * Kubernetes resource quantities ("250m", "1.5", "256Mi", "1G", "1e3") as
 * numbers, so limits, requests and quotas can be compared and summed.
 */

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// Bounded and linear: at most 30 characters, no nested quantifiers.
const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/**
 * The value of a quantity in base units (cores, bytes), or undefined when the
 * text is not a valid, non-negative Kubernetes quantity.
 */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  if (text.length === 0 || text.length > 30) return undefined;
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, digits = "0", exponent, suffix = ""] = match;
  const base = Number(digits);
  const value = exponent !== undefined ? base * 10 ** Number(exponent) : base * (SUFFIXES[suffix] ?? 1);
  return Number.isFinite(value) ? value : undefined;
}

/** "1.5 cores" / "256Mi" style text for messages: the original when given, else a readable form. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** Bytes as the largest binary unit that keeps it whole-ish ("512Mi", "1.5Gi"). */
export function formatMemory(bytes: number): string {
  for (const unit of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
    const size = SUFFIXES[unit] ?? 1;
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))}${unit}`;
  }
  return String(bytes);
}
