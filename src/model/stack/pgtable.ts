// Owns the io-pgtable of each paging domain: one PTE per IOVA page (physical page + 1, 0 = invalid),
// map and unmap, and the ghosts the flush invariants read: the window of an unmapped page not yet
// covered by a sync, and the pages whose sync has returned (promised clean).
import type { Index2, LayoutBuilder } from '../layout';
import type { Ctx, StepDef } from '../program';
import { defineSubsystem, type System } from '../system';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { EEXIST } from '../errno';
import { touchDomain } from '../domains/state';
import { gatherPage, queueUnmapInvalidation, eagerSteps } from './flush';

export interface PgtableFields {
  P: number;
  X: number;
  /** physical page + 1 of (domain, iova page), 0 = not mapped */
  pte: Index2;
  /** ghost: the physical page + 1 that (domain, page) mapped until its unmap, while no sync covered it */
  window: Index2;
  /** ghost: 1 once a sync covering the unmap of (domain, page) returned; cleared by the next map */
  promised: Index2;
  /**
   * ghost: bit t set while thread t has a flush in hand that will cover (domain, page): from its unmap (or
   * the start of its flush_tlb_all) to its sync. A map clears every bit: a flush promises nothing about a
   * page that was mapped again (and maybe cached and unmapped again) while it ran.
   */
  watch: Index2;
  /**
   * ghost, per (thread, domain): the pages thread t set its watch bit on and has not promised since — a
   * superset of them, as a map clears watch bits behind the thread's back. A sync visits only these pages,
   * so it reads the pages its thread unmapped, not every page of the domain (a smaller footprint).
   */
  watched: Index2;
}

declare module '../system' {
  interface System {
    pt: PgtableFields;
  }
}

defineSubsystem({
  name: 'pgtable',
  declare(b: LayoutBuilder, sys: System) {
    const D = sys.scenario.domains.length, P = sys.scenario.pages;
    const obj = (d: number, p: number) => `pte[${d}][${p}]`;
    sys.pt = {
      P, X: sys.scenario.phys,
      pte: b.matrix('pte', D, P, obj),
      window: b.matrix('ghost.window', D, P, obj),
      promised: b.matrix('ghost.promised', D, P, obj),
      watch: b.matrix('ghost.watch', D, P, obj),
      watched: b.matrix('ghost.watched', sys.threads, D, (t) => `thread[${t}]`),
    };
  },
});

/** Install a PTE; returns 0 or -EEXIST. */
export function mapPage(c: Ctx, d: number, p: number, phys: number): number {
  const f = c.sys.pt;
  touchDomain(c, d);
  if (c.w.get(f.pte(d, p)) !== 0) return EEXIST;
  c.w.set(f.pte(d, p), phys + 1);
  c.w.set(f.promised(d, p), 0);
  c.w.set(f.watch(d, p), 0);
  return 0;
}

/** Clear a PTE, opening the window in which the old page may still be reached through an IOTLB. */
export function clearPte(c: Ctx, d: number, p: number): boolean {
  const f = c.sys.pt;
  touchDomain(c, d);
  const old = c.w.get(f.pte(d, p));
  if (old === 0) return false;
  c.w.set(f.pte(d, p), 0);
  c.w.set(f.window(d, p), old);
  c.w.set(f.promised(d, p), 0);
  return true;
}

/** This thread's coming flush will cover (domain, page). */
export function watchPage(c: Ctx, d: number, p: number): void {
  const at = c.sys.pt.watch(d, p), mine = c.sys.pt.watched(c.t, d);
  c.w.set(at, c.w.get(at) | (1 << c.t));
  c.w.set(mine, c.w.get(mine) | (1 << p));
}

/** The pages of domain d this thread may still watch (see PgtableFields.watched); forgets them. */
export function takeWatched(c: Ctx, d: number): number {
  const mine = c.sys.pt.watched(c.t, d);
  const mask = c.w.get(mine);
  c.w.set(mine, 0);
  return mask;
}

/** True while this thread's flush still covers (domain, page). */
export function watching(c: Ctx, d: number, p: number): boolean {
  return (c.w.get(c.sys.pt.watch(d, p)) & (1 << c.t)) !== 0;
}

/**
 * This thread's flush covering (domain, page) completed: the window closes and the page is promised clean,
 * unless the page was mapped again meanwhile (then the flush promises nothing about it).
 */
export function promiseClean(c: Ctx, d: number, p: number): void {
  const f = c.sys.pt, mine = f.watched(c.t, d);
  c.w.set(mine, c.w.get(mine) & ~(1 << p));
  const w = c.w.get(f.watch(d, p));
  if ((w & (1 << c.t)) === 0) return;
  c.w.set(f.watch(d, p), w & ~(1 << c.t));
  if (c.w.get(f.pte(d, p)) !== 0) return;
  c.w.set(f.window(d, p), 0);
  c.w.set(f.promised(d, p), 1);
}

defineVariants([
  { name: 'unmap-gather', slot: 'unmap', subsystem: 'flush', faulty: false, isDefault: true,
    description: 'unmap clears the PTEs and range_adds them to the caller\'s gather; iotlb_sync queues the TLBIs' },
  { name: 'unmap-eager-tlbi', slot: 'unmap', subsystem: 'flush', faulty: false,
    description: 'SMMUv3 style: unmap queues a TLBI per page at once on every serving instance; iotlb_sync only adds CMD_SYNC' },
  { name: 'unmap-no-invalidate', slot: 'unmap', subsystem: 'flush', faulty: true,
    description: 'unmap clears the PTEs but never adds them to the gather nor queues a TLBI' },
]);

defineOp({
  name: 'map', subsystem: 'pgtable', description: 'map one IOVA page of a domain to a physical page (no flush needed)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  build: () => [{ label: 'install pte', run: (c) => void c.w.set(c.sys.ret(c.t), mapPage(c, c.args[0], c.args[1], c.args[2])) }],
});

defineOp({
  name: 'unmap', subsystem: 'pgtable',
  description: 'unmap IOVA pages of a domain; the invalidation is deferred to iotlb_sync (or queued eagerly)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'pages', kind: 'pages' }],
  build: (sys) => {
    const mode = sys.variants.of('unmap');
    // local 0: pages done so far; local 1: pages unmapped (the return value)
    const nextPage = (c: Ctx): number | void => {
      const n = c.w.add(c.sys.local(c.t, 0), 1);
      return n < c.args[2] ? 0 : -1;
    };
    const steps: StepDef[] = [{
      label: 'clear pte',
      run: (c) => {
        const d = c.args[0], p = c.args[1] + c.w.get(c.sys.local(c.t, 0));
        if (clearPte(c, d, p)) {
          c.w.set(c.sys.ret(c.t), c.w.add(c.sys.local(c.t, 1), 1));
          gatherPage(c, d, p, mode === 'unmap-gather'); // unmap-no-invalidate: the gather is never told
          if (mode === 'unmap-eager-tlbi' && queueUnmapInvalidation(c, d, p)) return 1;
        } else c.w.set(c.sys.ret(c.t), c.w.get(c.sys.local(c.t, 1)));
        return nextPage(c);
      },
    }];
    if (mode === 'unmap-eager-tlbi') steps.push(...eagerSteps(1, nextPage));
    return steps;
  },
});
