// Owns the encoding of a lock word: 0 free; a spinlock or mutex holds its owner thread + 1; an rwsem holds
// RWSEM_WRITER | owner + 1, or RWSEM_READERS | a bit per reading thread. Reports decode holders from it.

export const RWSEM_WRITER = 1 << 29;
export const RWSEM_READERS = 1 << 28;

/** The owning thread of a spinlock, mutex or write-held rwsem; -1 when free or read-held. */
export function mutexOwner(v: number): number {
  if (v === 0 || (v & RWSEM_READERS) !== 0) return -1;
  return (v & ~RWSEM_WRITER) - 1;
}

/** Whether thread t holds the lock word v (as owner or as one of its readers). */
export function lockHeldBy(v: number, t: number): boolean {
  if ((v & RWSEM_READERS) !== 0) return (v & (1 << t)) !== 0;
  return v !== 0 && mutexOwner(v) === t;
}
