// Owns the hypervisor's io-pgtable memory: allocation and release of table pages from the pool (with the
// double-free and use-after-free ghosts), entry reads and writes that notice a freed page, and the DMA
// share of memory pages (a leaf entry may only map a page the host owns; the host cannot give away a
// page while a device may reach it).
import type { Ctx } from '../program';
import { LEVEL_LEAF, OWNER_HOST } from './hyp-state';

/** Allocate the lowest free table page for thread c.t (held privately); returns its index or -1. */
export function allocTablePage(c: Ctx, level: number): number {
  const h = c.sys.hyp;
  for (let k = 0; k < h.K; k++) {
    if (c.w.get(h.tpUsed(k)) !== 0) continue;
    c.w.set(h.tpUsed(k), 1);
    c.w.set(h.tpLevel(k), level);
    c.w.set(h.tpHeld(k), c.t + 1);
    return k;
  }
  return -1;
}

/** Return table page k to the pool, zeroed; a page that is already free is a double free (ghost). */
export function freeTablePage(c: Ctx, k: number): void {
  const h = c.sys.hyp;
  if (c.w.get(h.tpUsed(k)) === 0) {
    if (c.w.get(h.doubleFree) === 0) c.w.set(h.doubleFree, k + 1);
    return;
  }
  c.w.set(h.tpUsed(k), 0);
  c.w.set(h.tpLevel(k), 0);
  c.w.set(h.tpHeld(k), 0);
  for (let e = 0; e < h.E; e++) c.w.set(h.tpEntry(k, e), 0);
}

/** Write an entry of table page k; writing into a free page is a use-after-free (ghost). */
export function writeEntry(c: Ctx, k: number, e: number, v: number): void {
  const h = c.sys.hyp;
  if (c.w.get(h.tpUsed(k)) === 0 && c.w.get(h.uaf) === 0) c.w.set(h.uaf, k + 1);
  c.w.set(h.tpEntry(k, e), v);
}

export function readEntry(c: Ctx, k: number, e: number): number {
  return c.w.get(c.sys.hyp.tpEntry(k, e));
}

/** The leaf table page (+ 1) that block b of the domain whose pgd is page `pgd` points to, 0 if none. */
export function tableOf(c: Ctx, pgd: number, b: number): number {
  return readEntry(c, pgd, b);
}

/**
 * Free a domain's whole page table (the domain is unreachable): every leaf table, unsharing each page
 * its entries map, then the pgd.
 */
export function freePageTable(c: Ctx, pgd: number): void {
  const h = c.sys.hyp;
  for (let b = 0; b < h.B; b++) {
    const t = readEntry(c, pgd, b) - 1;
    if (t < 0) continue;
    if (c.w.get(h.tpUsed(t)) !== 0 && c.w.get(h.tpLevel(t)) === LEVEL_LEAF)
      for (let j = 0; j < h.L; j++) {
        const x = readEntry(c, t, j) - 1;
        if (x >= 0) unsharePage(c, x, 1);
      }
    freeTablePage(c, t);
  }
  freeTablePage(c, pgd);
}

/** Share a page with DMA: only a host-owned page; returns false when the host does not own it. */
export function sharePage(c: Ctx, x: number): boolean {
  const h = c.sys.hyp;
  if (c.w.get(h.pageOwner(x)) !== OWNER_HOST) return false;
  c.w.add(h.pageShares(x), 1);
  return true;
}

export function unsharePage(c: Ctx, x: number, n: number): void {
  c.w.add(c.sys.hyp.pageShares(x), -n);
}

/** Pages collected by an unmap for unsharing after the TLB invalidation: 3 bits of count per page. */
export function collectPage(acc: number, x: number): number {
  return acc + (1 << (3 * x));
}

export function unshareCollected(c: Ctx, acc: number): void {
  for (let x = 0; x < c.sys.hyp.X; x++) {
    const n = (acc >> (3 * x)) & 7;
    if (n) unsharePage(c, x, n);
  }
}
