// Owns packing the explorer's typed arrays into files: checkpoints (base64 in JSON) and swarm fingerprint files
// (raw). Words are little-endian: written as the machine holds them (the x86-64 and arm64 machines Node runs this
// on are little-endian) and read back with explicit little-endian reads; a wrong length is an error naming what.
type Words = Uint32Array | Int32Array | Float64Array;

/** The array's bytes, as the machine holds them (little-endian). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function toBase64(a: ArrayBufferView): string {
  return bytesOf(a).toString('base64');
}

const SIZE = { u32: 4, i32: 4, f64: 8 } as const;

/** `count` little-endian words from `buf` at `offset`; throws naming `what` when the length is not exactly that. */
export function wordsOf<K extends keyof typeof SIZE>(kind: K, buf: Buffer, count: number, what: string, offset = 0): K extends 'f64' ? Float64Array : K extends 'i32' ? Int32Array : Uint32Array {
  const size = SIZE[kind];
  if (buf.length - offset !== count * size) throw new Error(`checkpoint does not match this search: ${what} holds ${(buf.length - offset) / size} numbers, expected ${count}`);
  const out: Words = kind === 'f64' ? new Float64Array(count) : kind === 'i32' ? new Int32Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const at = offset + size * i;
    out[i] = kind === 'f64' ? buf.readDoubleLE(at) : kind === 'i32' ? buf.readInt32LE(at) : buf.readUInt32LE(at);
  }
  return out as never;
}

/** The same from base64 text (a checkpoint's field). */
export function wordsOfBase64<K extends keyof typeof SIZE>(kind: K, s: string, count: number, what: string): ReturnType<typeof wordsOf<K>> {
  return wordsOf(kind, Buffer.from(s ?? '', 'base64'), count, what);
}
