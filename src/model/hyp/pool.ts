// Owns the hypervisor's io-pgtable memory: the pool of table pages (an allocation or a free is one step of
// the page allocator, with the double-free ghost), and the instructions that read and write a table entry
// (READ_ONCE, WRITE_ONCE, cmpxchg64, xchg), each one access, noticing a write into a freed page (ghost).
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Instr, Local, Val } from '../api/instr';
import { valueOf } from '../api/instr';

const ALLOC_REASON =
  'hyp_alloc_pages(): the pool allocator hands out one free page under its own pool lock (its free-list walk is not ' +
  'modelled access by access); the page it returns is zeroed and reachable by no one else yet';
const FREE_REASON =
  'hyp_put_page(): the page goes back to the pool under the pool lock, its entries zeroed (the model zeroes a page when ' +
  'it is freed rather than when it is next allocated, so that freed pages compare equal); no CPU reaches a freed page in a correct run';

/** Allocate the lowest free table page for the calling thread (held privately until installed): its index + 1 into `into`, 0 if none. */
export function allocTablePage(b: Builder, label: string, level: number, into: Local): Instr {
  return b.atomic(label, ALLOC_REASON, (c) => {
    const h = c.sys.hyp;
    into.set(c, 0);
    for (let k = 0; k < h.K; k++) {
      if (c.w.get(h.tpUsed(k)) !== 0) continue;
      c.w.set(h.tpUsed(k), 1);
      c.w.set(h.tpLevel(k), level);
      c.w.set(h.tpHeld(k), c.t + 1);
      into.set(c, k + 1);
      return;
    }
  });
}

/** Return table page page(c) (an index, not + 1) to the pool; freeing a free page is a double free (ghost). */
export function freeTablePage(b: Builder, label: string, page: (c: Ctx) => number): Instr {
  return b.atomic(label, FREE_REASON, (c) => {
    const h = c.sys.hyp, k = page(c);
    if (c.w.get(h.tpUsed(k)) === 0) {
      if (c.w.get(h.doubleFree) === 0) c.w.set(h.doubleFree, k + 1);
      return;
    }
    c.w.set(h.tpUsed(k), 0);
    c.w.set(h.tpLevel(k), 0);
    c.w.set(h.tpHeld(k), 0);
    for (let e = 0; e < h.E; e++) c.w.set(h.tpEntry(k, e), 0);
  });
}

/** KASAN for the model: a write into table page k while it is free is recorded (bookkeeping, not an access). */
function noteWrite(c: Ctx, k: number): void {
  const h = c.sys.hyp;
  if (c.w.peek(h.tpUsed(k)) === 0 && c.w.get(h.uaf) === 0) c.w.set(h.uaf, k + 1);
}

/** `into = READ_ONCE(table[page].entry[e])` */
export function loadEntry(b: Builder, label: string, into: Local, page: (c: Ctx) => number, e: (c: Ctx) => number): Instr {
  return b.load(label, into, (c) => c.sys.hyp.tpEntry(page(c), e(c)));
}

/** `WRITE_ONCE(table[page].entry[e], v)`; `after` runs with the write (ghost bookkeeping only). */
export function storeEntry(b: Builder, label: string, page: (c: Ctx) => number, e: (c: Ctx) => number, v: Val, after?: (c: Ctx) => void): Instr {
  return b.store(label, (c) => c.sys.hyp.tpEntry(page(c), e(c)), (c) => {
    noteWrite(c, page(c));
    after?.(c);
    return valueOf(v, c);
  });
}

/** `into = cmpxchg64(&table[page].entry[e], expected, next)`; `onSwap` runs when it swapped (ghost bookkeeping only). */
export function cmpxchgEntry(b: Builder, label: string, page: (c: Ctx) => number, e: (c: Ctx) => number, expected: Val, next: Val,
  into: Local, onSwap?: (c: Ctx) => void): Instr {
  return b.rmw(label, (c) => c.sys.hyp.tpEntry(page(c), e(c)), (old, c) => {
    if (old !== valueOf(expected, c)) return old;
    noteWrite(c, page(c));
    onSwap?.(c);
    return valueOf(next, c);
  }, into);
}

/** `into = xchg(&table[page].entry[e], v)` */
export function xchgEntry(b: Builder, label: string, page: (c: Ctx) => number, e: (c: Ctx) => number, v: Val, into: Local,
  after?: (old: number, c: Ctx) => void): Instr {
  return b.rmw(label, (c) => c.sys.hyp.tpEntry(page(c), e(c)), (old, c) => {
    noteWrite(c, page(c));
    after?.(old, c);
    return valueOf(v, c);
  }, into);
}
