import type { PolicyInput } from "./input.js";

/**
 * A policy input as the UTF-8 bytes of its JSON text, in shared memory: the
 * main thread builds it once and every policy thread reads the same bytes
 * (see policy-threads.ts), without a copy per thread.
 */
export function sharedInput(input: PolicyInput): SharedArrayBuffer {
  const text = JSON.stringify(input);
  // Encoded straight into the shared memory: no second copy of a large repository's megabytes.
  const shared = new SharedArrayBuffer(Buffer.byteLength(text, "utf8"));
  new TextEncoder().encodeInto(text, new Uint8Array(shared));
  return shared;
}

/** The engine reads an ArrayBuffer (opa-wasm checks for one), not a shared one: a copy of the input's bytes. */
export function unshared(bytes: SharedArrayBuffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(new Uint8Array(bytes));
  return copy;
}
