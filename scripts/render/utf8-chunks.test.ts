import { describe, expect, it } from "vitest";
import { bytesAt, Utf8Chunks, type Utf8Place } from "./utf8-chunks.js";

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

  it("keeps what was read into reserved regions, files of any size, after text and across buffers", () => {
    const chunks = new Utf8Chunks();
    const first = chunks.add("text first\n");
    const files = [
      Buffer.from("a: 1\n"),
      Buffer.alloc(5 * 1024 * 1024, 0x61),
      Buffer.from([0xff, 0x00, 0x0a]),
    ];
    const places = files.map((file) => {
      // Reserved one byte larger than read, as a reader that checks for growth does.
      const region = chunks.reserve(file.length + 1);
      expect(region.length).toBeGreaterThan(file.length);
      file.copy(region);
      return chunks.keep(file.length);
    });
    expect(decode(bytesAt(chunks.buffers, first))).toBe("text first\n");
    files.forEach((file, i) => {
      expect(Buffer.from(bytesAt(chunks.buffers, places[i] as Utf8Place)).equals(file)).toBe(true);
    });
    expect(chunks.buffers.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a place in a buffer it does not have", () => {
    expect(() => bytesAt([], [0, 0, 1])).toThrow(/no buffer 0/);
  });
});
