import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from "js-yaml";

/**
 * The fast path of parse-yaml.ts: plain data straight from js-yaml's event
 * stream, for files inside the subset our configuration needs (one document,
 * no directives, tags, anchors, aliases or merge keys, unique plain-text keys,
 * finite numbers, at most `maxDepth` levels). It is about three times faster
 * than composing `yaml`'s node tree and keeps nothing but the data.
 *
 * It never reports: anything outside the subset, or any error of js-yaml's,
 * gives `undefined`, and parse-yaml.ts then runs the exact path (`yaml`),
 * which owns every diagnostic. Scalars resolve by the YAML 1.2 core schema
 * exactly as that path's `yaml` options do (the same patterns), so a file
 * either gives the same value both ways or takes the exact path; the
 * differential tests in yaml-fast-path.test.ts hold the two together.
 */
export function composePlain(text: string, topLevel: "mapping" | "sequence", maxDepth: number): unknown {
  // Where the two parsers read characters differently, the exact path decides:
  // a carriage return without a line feed ends a line for js-yaml (as the YAML
  // spec says) but not for `yaml`, and `yaml` skips a byte order mark at the
  // start of a line where js-yaml keeps it.
  if (/\r(?!\n)|\uFEFF/.test(text)) return undefined;
  let events: Event[];
  try {
    // js-yaml's own limit guards its parser; ours is checked below, level by level.
    events = parseEvents(text, { maxDepth: maxDepth + 1 });
  } catch {
    return undefined;
  }
  const document = events[0];
  if (document?.type !== EVENT_ID.DOCUMENT || document.directives.length > 0) return undefined;
  const root = events[1];
  const wanted = topLevel === "mapping" ? EVENT_ID.MAPPING : EVENT_ID.SEQUENCE;
  if (root?.type !== wanted) return undefined;
  const composer = new Composer(text, events, maxDepth);
  const value = composer.node(1, 1);
  // After the root: the document's end, and nothing more (a second document takes the exact path).
  if (value === REFUSED || composer.next !== events.length - 1) return undefined;
  return events[composer.next]?.type === EVENT_ID.POP ? value : undefined;
}

const REFUSED = Symbol("refused");

/** Keys `yaml` refuses as implicit keys; longer ones take the exact path for its diagnostic. */
const MAX_KEY_LENGTH = 1024;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

class Composer {
  /** The index of the next event to read. */
  next = 0;

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
    private readonly maxDepth: number,
  ) {}

  /** The node starting at event `index` (a mapping or sequence at `depth`), or REFUSED. */
  node(index: number, depth: number): unknown {
    const event = this.events[index];
    if (event === undefined) return REFUSED;
    this.next = index + 1;
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return event.tagStart === -1 && event.anchorStart === -1 ? this.#scalar(event) : REFUSED;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        if (event.tagStart !== -1 || event.anchorStart !== -1 || depth > this.maxDepth) return REFUSED;
        return event.type === EVENT_ID.MAPPING ? this.#mapping(depth) : this.#sequence(depth);
      default:
        return REFUSED; // an alias, or an event out of place
    }
  }

  #mapping(depth: number): unknown {
    const result: Record<string, unknown> = {};
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const keyEvent = this.events[this.next];
      if (keyEvent?.type !== EVENT_ID.SCALAR || keyEvent.tagStart !== -1 || keyEvent.anchorStart !== -1) {
        return REFUSED;
      }
      const key = this.#key(keyEvent);
      if (key === undefined || Object.hasOwn(result, key)) return REFUSED;
      const value = this.node(this.next + 1, depth + 1);
      if (value === REFUSED) return REFUSED;
      result[key] = value;
    }
    this.next += 1;
    return result;
  }

  #sequence(depth: number): unknown {
    const result: unknown[] = [];
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const value = this.node(this.next, depth + 1);
      if (value === REFUSED) return REFUSED;
      result.push(value);
    }
    this.next += 1;
    return result;
  }

  /**
   * A key as parse-yaml.ts's exact path spells it: a string key is itself, a
   * plain number, boolean or null key is kept as written. Undefined for what
   * that path refuses (empty, `<<`, reserved names, over-long keys).
   */
  #key(event: ScalarEvent): string | undefined {
    if (event.valueStart === -1) return undefined;
    const source = getScalarValue(this.text, event);
    if (source.length === 0 || source.length > MAX_KEY_LENGTH || FORBIDDEN_KEYS.has(source)) return undefined;
    if (event.style === SCALAR_STYLE.PLAIN && source === "<<") return undefined;
    return source;
  }

  #scalar(event: ScalarEvent): unknown {
    if (event.valueStart === -1) return null; // `key:` with nothing after it
    const source = getScalarValue(this.text, event);
    if (event.style !== SCALAR_STYLE.PLAIN) return source;
    const value = resolveCore(source);
    return typeof value === "number" && !Number.isFinite(value) ? REFUSED : value;
  }
}

const TYPED_FIRST = new Set("~nNtTfF0123456789+-.".split(""));

/**
 * A plain scalar by the YAML 1.2 core schema, with the patterns of the `yaml`
 * package's core tags (null, bool, int in octal, decimal and hex, float with
 * and without an exponent, .inf and .nan), tried in that package's order.
 */
export function resolveCore(source: string): string | number | boolean | null {
  // Every non-string form starts with one of these (or is empty): most values
  // (names, images, hosts) are strings and need no pattern at all.
  if (source.length > 0 && !TYPED_FIRST.has(source.charAt(0))) return source;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(source)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(source)) return false;
  if (/^0o[0-7]+$/.test(source)) return Number.parseInt(source.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return Number.parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return Number.parseInt(source.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    return source.endsWith("nan") || source.endsWith("NaN") || source.endsWith("NAN")
      ? Number.NaN
      : source.startsWith("-")
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return Number.parseFloat(source);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return Number.parseFloat(source);
  return source;
}

/** Where a path points in a text: a character offset, or undefined when the exact path must say. */
export type PlainLocate = (path: readonly (string | number)[], at: "key" | "value") => number | undefined;

/**
 * Locates paths in a text {@link composePlain} accepted, from js-yaml's event
 * stream (about a sixth of the cost of `yaml`'s node tree, which a warning on
 * each of a thousand files made a second of a render). It answers only where
 * the answer is a plain scalar, whose offset both parsers agree on (its first
 * character); for anything else (a quoted or block scalar, a collection) it
 * gives undefined and parse-yaml.ts asks the exact path. The walk is
 * parse-yaml.ts's locateOffset: a missing step stops at the deepest entry
 * found and points at its key; an empty value points at its key.
 */
export function plainLocator(text: string, maxDepth: number): PlainLocate {
  const events = parseEvents(text, { maxDepth: maxDepth + 1 });
  // The index just past each collection's POP, so a value is skipped in one step.
  const after = new Int32Array(events.length + 1);
  const open: number[] = [];
  events.forEach((event, index) => {
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) open.push(index);
    else if (event.type === EVENT_ID.POP && open.length > 0) after[open.pop() as number] = index + 1;
  });
  const end = (index: number) => {
    const type = events[index]?.type;
    return type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE ? (after[index] as number) : index + 1;
  };
  /** The value's event index (and the key's, in a mapping) of `step` in the collection at `node`. */
  const stepInto = (node: number, step: string | number): { key?: number; value: number } | undefined => {
    const event = events[node];
    if (event?.type === EVENT_ID.MAPPING) {
      const wanted = String(step);
      for (let key = node + 1; events[key]?.type !== EVENT_ID.POP; key = end(key + 1)) {
        const keyEvent = events[key] as ScalarEvent;
        if (getScalarValue(text, keyEvent) === wanted) return { key, value: key + 1 };
      }
      return undefined;
    }
    if (event?.type === EVENT_ID.SEQUENCE) {
      const wanted = typeof step === "number" ? step : /^(0|[1-9]\d*)$/.test(step) ? Number(step) : -1;
      let position = 0;
      for (let item = node + 1; events[item]?.type !== EVENT_ID.POP; item = end(item), position++) {
        if (position === wanted) return { value: item };
      }
    }
    return undefined;
  };
  const plainOffset = (index: number | undefined): number | undefined => {
    const event = index === undefined ? undefined : events[index];
    return event?.type === EVENT_ID.SCALAR && event.style === SCALAR_STYLE.PLAIN && event.valueStart !== -1
      ? event.valueStart
      : undefined;
  };
  const isEmpty = (index: number) => {
    const event = events[index];
    return event?.type === EVENT_ID.SCALAR && event.valueStart === -1;
  };
  // The document's root is events[1] (composePlain accepted the text).
  return (path, at) => {
    let node = 1;
    let key: number | undefined;
    for (const [index, step] of path.entries()) {
      const next = stepInto(node, step);
      if (next === undefined) return plainOffset(key ?? node);
      if (index === path.length - 1 && at === "key" && next.key !== undefined) return plainOffset(next.key);
      node = next.value;
      key = next.key;
    }
    return plainOffset(isEmpty(node) && key !== undefined ? key : node);
  };
}
