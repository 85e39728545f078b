import { describe, expect, it } from "vitest";
import { bytesAt, Utf8Chunks } from "./utf8-chunks.js";

const decode = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("Utf8Chunks", () => {
  it("gives back every text's exact UTF-8 bytes, across buffers", () => {
    const chunks = new Utf8Chunks();
    const texts = [
      "apiVersion: v1\n",
      "name: café ☕\n",
      "emoji: 😀 (a surrogate pair)\n",
      "",
      // Larger than one buffer: gets a buffer of its own.
      "x".repeat(5 * 1024 * 1024),
      ...Array.from({ length: 300 }, (_, i) => `line ${i}: ${"é".repeat(i * 97)}\n`),
    ];
    const places = texts.map((text) => chunks.add(text));
    expect(chunks.buffers.length).toBeGreaterThanOrEqual(2);
    texts.forEach((text, i) => {
      const bytes = bytesAt(chunks.buffers, places[i] as never);
      expect(bytes.byteLength).toBe(Buffer.byteLength(text, "utf8"));
      expect(decode(bytes)).toBe(text);
    });
  });

  it("survives a transfer to another thread's view of the buffers", () => {
    const chunks = new Utf8Chunks();
    const place = chunks.add("kind: Deployment\n");
    const received = structuredClone(chunks.buffers, { transfer: chunks.buffers });
    expect(decode(bytesAt(received, place))).toBe("kind: Deployment\n");
  });

  it("refuses a place in a buffer it does not have", () => {
    expect(() => bytesAt([], [0, 0, 1])).toThrow(/no buffer 0/);
  });
});
