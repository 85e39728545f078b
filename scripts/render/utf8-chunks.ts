/** Size of each buffer: a few per worker for 1,000 services, and few pages left untouched at the end. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Where one text's bytes are in a {@link Utf8Chunks}: buffer index, start and end offsets. */
export type Utf8Place = readonly [buffer: number, start: number, end: number];

/**
 * Texts encoded as UTF-8 one after another into a few large buffers, each
 * its own ArrayBuffer, so a worker hands them to the main thread by
 * transfer, without copying. A string crosses threads by copy: joining the
 * texts, cloning the string and reading it back cost about 0.15 s for half of
 * 1,000 services' manifests, and the main thread then encoded them again to
 * write them; these bytes are written as they are.
 */
export class Utf8Chunks {
  readonly buffers: ArrayBuffer[] = [];
  private current: Buffer | undefined;
  private offset = 0;

  /** Appends `text` as UTF-8 and says where its bytes are. */
  add(text: string): Utf8Place {
    // At most 3 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units).
    const most = text.length * 3;
    if (this.current === undefined || this.current.length - this.offset < most) {
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, most));
      this.buffers.push(this.current.buffer as ArrayBuffer);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += this.current.write(text, start, "utf8");
    return [this.buffers.length - 1, start, this.offset];
  }

  /**
   * A region of at least `size` bytes to read a file into: the free end of
   * the last buffer, or a new buffer. {@link keep} then keeps what was read.
   */
  reserve(size: number): Buffer {
    if (this.current === undefined || this.current.length - this.offset < size) {
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, size));
      this.buffers.push(this.current.buffer as ArrayBuffer);
      this.offset = 0;
    }
    return this.current.subarray(this.offset);
  }

  /** Keeps the first `length` bytes of the region {@link reserve} gave, and says where they are. */
  keep(length: number): Utf8Place {
    const start = this.offset;
    this.offset += length;
    return [this.buffers.length - 1, start, this.offset];
  }
}

/** The bytes at `place` in `buffers` (the buffers of a Utf8Chunks, after the transfer). */
export function bytesAt(buffers: readonly ArrayBuffer[], place: Utf8Place): Uint8Array {
  const [index, start, end] = place;
  const buffer = buffers[index];
  if (buffer === undefined) throw new Error(`no buffer ${index} among ${buffers.length}`);
  return new Uint8Array(buffer, start, end - start);
}
