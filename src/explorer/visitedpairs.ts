// Owns a checkpoint's visited fingerprints between the search that stopped and the file that keeps them: read
// from the search's own table (or the parallel search's copy of the shared one) a chunk at a time, as base64,
// so writing a checkpoint holds no second copy of them, neither as one string nor as the JSON text around it
// (a run stopped by --max-memory writes its checkpoint inside that bound). In a file they are one base64 string
// of [a, b] Uint32 pairs, little-endian; a checkpoint read back holds that string.
import { bytesOf } from './packing';
import type { FingerprintTable } from './fptable';

/** words per chunk: a multiple of 6 (24 bytes), so the chunks' base64 texts join into the whole one's */
const CHUNK_WORDS = 6 << 14;
/** characters per chunk of a visited set that is already text */
const CHUNK_CHARS = 1 << 19;

export class VisitedPairs {
  private constructor(readonly states: number, private readonly source: FingerprintTable | Uint32Array) {}

  /** the pairs in a search's own table, read when the checkpoint is sealed and written */
  static ofTable(table: FingerprintTable): VisitedPairs {
    return new VisitedPairs(table.size, table);
  }

  /** pairs already copied out (the parallel search's shared table, done flags kept) */
  static ofPairs(pairs: Uint32Array): VisitedPairs {
    return new VisitedPairs(pairs.length / 2, pairs);
  }

  /** the base64 text, a chunk at a time */
  *base64(): Generator<string> {
    const src = this.source;
    if (src instanceof Uint32Array) {
      for (let i = 0; i < src.length; i += CHUNK_WORDS) yield bytesOf(src.subarray(i, i + CHUNK_WORDS)).toString('base64');
      return;
    }
    const chunk = new Uint32Array(CHUNK_WORDS);
    for (const n of src.fingerprintChunks(chunk)) yield bytesOf(chunk.subarray(0, n)).toString('base64');
  }

  /** the pairs as one array (resuming in the same process) */
  pairs(): Uint32Array {
    return this.source instanceof Uint32Array ? this.source : this.source.fingerprints();
  }

  /** as JSON (a run checkpoint holds the job's checkpoint): the one base64 string a file holds */
  toJSON(): string {
    return [...this.base64()].join('');
  }
}

/** A checkpoint's visited set as text, a chunk at a time: the same characters whichever form it has. */
export function* visitedText(v: string | VisitedPairs): Generator<string> {
  if (typeof v !== 'string') {
    yield* v.base64();
    return;
  }
  for (let i = 0; i < v.length; i += CHUNK_CHARS) yield v.slice(i, i + CHUNK_CHARS);
}
