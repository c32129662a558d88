// Owns the state of the io-pgtable of each paging domain: one PTE per IOVA page (physical page + 1, 0 =
// invalid; read and written with READ_ONCE/WRITE_ONCE as io-pgtable-arm does), the PTE stores of map and
// unmap, and the ghosts the flush invariants read: the window of an unmapped page not yet covered by a sync,
// and the pages whose sync has returned (promised clean). The operations: ops.ts.
import type { Index2, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import { touchDomain } from '../domains/state';
import { boolPrinter, idPrinter, setPrinter, threadSetPrinter } from '../printers';

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
    b.access('pte', 'atomic');
    b.print('pte', idPrinter('phys page', 'not mapped'));
    b.print('ghost.window', idPrinter('phys page'));
    b.print('ghost.promised', boolPrinter);
    b.print('ghost.watch', threadSetPrinter);
    b.print('ghost.watched', setPrinter('page'));
  },
});

/** The PTE store of a map, with the ghosts a new mapping resets. */
export function installPte(c: Ctx, d: number, p: number, phys: number): void {
  const f = c.sys.pt;
  touchDomain(c, d);
  c.w.set(f.pte(d, p), phys + 1);
  c.w.set(f.promised(d, p), 0);
  c.w.set(f.watch(d, p), 0);
}

/** The PTE store of an unmap (old = the PTE it read), opening the window in which an IOTLB may still hold it. */
export function clearPte(c: Ctx, d: number, p: number, old: number): void {
  const f = c.sys.pt;
  touchDomain(c, d);
  c.w.set(f.pte(d, p), 0);
  c.w.set(f.window(d, p), old);
  c.w.set(f.promised(d, p), 0);
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
  if (c.w.peek(f.pte(d, p)) !== 0) return;
  c.w.set(f.window(d, p), 0);
  c.w.set(f.promised(d, p), 1);
}

