/** The render index, relative to `manifests/`: rendered with the tree, committed with it. */
export const RENDER_INDEX_FILE = ".render-index.json";

/** What the index records for one rendered file. */
export interface RenderIndexEntry {
  /** The render key its inputs gave (render-keys.ts). */
  key: string;
  /** sha256 hex of the file's bytes as rendered. */
  sha256: string;
}

/** Entries by path relative to `manifests/` (`dev/cart/manifest.yaml`). */
export type RenderIndex = ReadonlyMap<string, RenderIndexEntry>;

/** An index larger than this is not read (the index of 10,000 services × 3 environments is about 5 MiB). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

const DIGEST = /^[0-9a-f]{64}$/;

/**
 * The index's entries, from its text (undefined: there is none). The index
 * comes from a pull request like everything else, so nothing in it is
 * believed: text that is not the expected JSON gives an empty index, an
 * entry that is not two sha256 digests is left out, and an entry is only
 * ever used to skip a render when the key recomputed from the inputs and the
 * digest of the bytes on disk both equal it (see trustedFiles). The worst an
 * index can do is make a render do more work.
 */
export function parseRenderIndex(text: string | undefined): Map<string, RenderIndexEntry> {
  const entries = new Map<string, RenderIndexEntry>();
  if (text === undefined || text.length > MAX_INDEX_BYTES) return entries;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return entries;
  }
  const files = isRecord(parsed) ? parsed.files : undefined;
  if (!isRecord(files)) return entries;
  for (const [path, entry] of Object.entries(files)) {
    if (!isRecord(entry)) continue;
    const { key, sha256 } = entry;
    if (typeof key === "string" && typeof sha256 === "string" && DIGEST.test(key) && DIGEST.test(sha256))
      entries.set(path, { key, sha256 });
  }
  return entries;
}

/**
 * The index's text: the render version, then one line per file sorted by
 * path, so a change to one service changes only its own lines (and the
 * lines of the services that call it or that it calls).
 */
export function formatRenderIndex(version: string, entries: RenderIndex): string {
  const paths = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = paths.map((path, i) => {
    const { key, sha256 } = entries.get(path) as RenderIndexEntry;
    const comma = i < paths.length - 1 ? "," : "";
    return `    ${JSON.stringify(path)}: { "key": "${key}", "sha256": "${sha256}" }${comma}`;
  });
  return [
    "{",
    `  "about": "Written by idp render: each file's render key and the sha256 of its bytes. Do not edit; see README.md (Rendering).",`,
    `  "renderVersion": ${JSON.stringify(version)},`,
    `  "files": {`,
    ...lines,
    "  }",
    "}",
    "",
  ].join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
