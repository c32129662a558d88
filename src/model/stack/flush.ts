// Owns the TLB flush interface: each thread's gather (range_add), iotlb_sync and flush_tlb_all over
// every instance that serves the domain (queue TLBIs + CMD_SYNC, wait for it), map_sync/unmap_sync, and
// the step loop shared by every flush (also used by the deferred flush queue).
import type { Index2, LayoutBuilder } from '../layout';
import type { Ctx, StepDef } from '../program';
import { DONE } from '../program';
import { defineSubsystem, type System } from '../system';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { lockStep, unlockStep } from '../locks';
import { servingInstances, touchDomain } from '../domains/state';
import { CMD_SYNC, completed, insert, hasSpace, tlbiAsid, tlbiVa } from './cmdq';
import { promiseClean, takeWatched, watchPage, watching } from './pgtable';
import { forEachBit, lowestBit, popCount } from '../bits';

export interface FlushFields {
  /** pages range_added to a thread's gather for a domain, not yet synced */
  gather: Index2;
}

declare module '../system' {
  interface System {
    fl: FlushFields;
  }
}

defineSubsystem({
  name: 'flush',
  declare(b: LayoutBuilder, sys: System) {
    const T = sys.threads, D = sys.scenario.domains.length;
    const th = (t: number) => `thread[${t}]`;
    sys.fl = { gather: b.matrix('gather', T, D, th) };
    b.access('gather', 'local');
  },
});

defineVariants([
  { name: 'sync-waits-for-cmd-sync', slot: 'iotlb_sync', subsystem: 'flush', faulty: false, isDefault: true,
    description: 'iotlb_sync/flush_tlb_all queue the TLBIs and a CMD_SYNC on every serving instance and wait for each' },
  { name: 'sync-no-wait', slot: 'iotlb_sync', subsystem: 'flush', faulty: true,
    description: 'iotlb_sync returns once the CMD_SYNC is queued, before the hardware has consumed it' },
  { name: 'sync-one-instance', slot: 'iotlb_sync', subsystem: 'flush', faulty: true,
    description: 'iotlb_sync flushes only the domain\'s first instance when the domain is attached through two' },
]);

/** After unmapping (d, p): this thread's next sync must cover it (ghost); into the gather if range_added. */
export function gatherPage(c: Ctx, d: number, p: number, intoGather: boolean): void {
  const f = c.sys.fl;
  watchPage(c, d, p);
  if (intoGather) c.w.set(f.gather(c.t, d), c.w.get(f.gather(c.t, d)) | (1 << p));
}

/** Locals of a flush: 0 = pages it covers, 2 = instances still to flush, 3 = CMD_SYNC position. */
const PAGES = 0, INSTANCES = 2, TARGET = 3;

/** The instances a flush of domain d must reach, as the iotlb_sync variant sees them. */
export function flushTargets(c: Ctx, d: number): number {
  const mask = servingInstances(c, d);
  if (!c.sys.variants.is('sync-one-instance') || mask === 0) return mask;
  const owner = c.sys.dom.owner[d];
  return mask & (1 << owner) ? 1 << owner : mask & -mask;
}

export interface FlushPlan {
  /** what the flush says when it starts ("snapshot gather") */
  label: string;
  /** set local PAGES and anything else; local INSTANCES is set by the loop */
  start(c: Ctx): void;
  /** what to queue before the CMD_SYNC on one instance, and how many commands that is */
  commandCount(c: Ctx): number;
  queue(c: Ctx, i: number): void;
  queueLabel: string;
  /** after the last CMD_SYNC completed: what the flush now guarantees */
  finish(c: Ctx): void;
}

/** start; then per instance: lock cmdq, queue commands + CMD_SYNC, unlock, wait for the CMD_SYNC. */
export function flushSteps(plan: FlushPlan, noWait: boolean): StepDef[] {
  const inst = (c: Ctx) => lowestBit(c.w.get(c.sys.local(c.t, INSTANCES)));
  const qlock = (c: Ctx) => c.sys.cq.lock(inst(c));
  const advance = (c: Ctx): number => {
    const rest = c.w.get(c.sys.local(c.t, INSTANCES)) & ~(1 << inst(c));
    c.w.set(c.sys.local(c.t, INSTANCES), rest);
    if (rest !== 0) return 1;
    plan.finish(c);
    return DONE;
  };
  return [
    {
      label: plan.label,
      run: (c) => {
        const d = c.args[0];
        touchDomain(c, d);
        plan.start(c);
        const mask = flushTargets(c, d);
        c.w.set(c.sys.local(c.t, INSTANCES), mask);
        if (mask === 0) {
          plan.finish(c);
          return DONE;
        }
      },
    },
    lockStep('lock cmdq', qlock),
    {
      label: `queue ${plan.queueLabel}CMD_SYNC`,
      enabled: (c) => hasSpace(c, inst(c), plan.commandCount(c) + 1),
      run: (c) => {
        const i = inst(c);
        plan.queue(c, i);
        c.w.set(c.sys.local(c.t, TARGET), insert(c, i, CMD_SYNC));
      },
    },
    unlockStep('unlock cmdq', qlock, (c) => (noWait ? advance(c) : undefined)),
    {
      label: 'wait for CMD_SYNC',
      enabled: (c) => completed(c, inst(c), c.w.get(c.sys.local(c.t, TARGET))),
      run: advance,
    },
  ];
}

const syncPlan: FlushPlan = {
  label: 'take gather',
  start: (c) => {
    const d = c.args[0], g = c.sys.fl.gather(c.t, d);
    c.w.set(c.sys.local(c.t, PAGES), c.w.get(g));
    c.w.set(g, 0);
  },
  commandCount: (c) => popCount(c.w.get(c.sys.local(c.t, PAGES))),
  queueLabel: 'TLBIs of the gather + ',
  queue: (c, i) => forEachBit(c.w.get(c.sys.local(c.t, PAGES)), (p) => insert(c, i, tlbiVa(c.args[0], p))),
  finish: (c) => {
    const d = c.args[0];
    forEachBit(takeWatched(c, d), (p) => {
      if (watching(c, d, p)) promiseClean(c, d, p);
    });
    c.w.set(c.sys.ret(c.t), 0);
  },
};

/** A plan that invalidates the whole domain (TLBI by ASID) and promises the pages in local PAGES. */
export function domainFlushPlan(label: string, pages: (c: Ctx) => number, done: (c: Ctx, p: number) => void): FlushPlan {
  return {
    label,
    start: (c) => {
      const mask = pages(c);
      c.w.set(c.sys.local(c.t, PAGES), mask);
      forEachBit(mask, (p) => watchPage(c, c.args[0], p));
    },
    commandCount: () => 1,
    queueLabel: 'TLBI_ASID + ',
    queue: (c, i) => insert(c, i, tlbiAsid(c.args[0])),
    finish: (c) => {
      const d = c.args[0];
      forEachBit(c.w.get(c.sys.local(c.t, PAGES)), (p) => {
        done(c, p);
        promiseClean(c, d, p);
      });
      c.w.set(c.sys.ret(c.t), 0);
    },
  };
}

const flushAllPlan = domainFlushPlan(
  'note unmapped pages',
  (c) => {
    const d = c.args[0];
    let mask = 0;
    for (let p = 0; p < c.sys.pt.P; p++) if (c.w.get(c.sys.pt.pte(d, p)) === 0) mask |= 1 << p;
    c.w.set(c.sys.fl.gather(c.t, d), c.w.get(c.sys.fl.gather(c.t, d)) & ~mask);
    return mask;
  },
  () => {},
);

defineOp({
  name: 'iotlb_sync', subsystem: 'flush',
  description: 'flush the caller\'s gather on every instance serving the domain; returns when the flush is done',
  params: [{ name: 'domain', kind: 'domain' }],
  build: (sys) => flushSteps(syncPlan, sys.variants.is('sync-no-wait')),
});

defineOp({
  name: 'flush_tlb_all', subsystem: 'flush',
  description: 'invalidate every IOTLB entry of the domain on every serving instance; returns when done',
  params: [{ name: 'domain', kind: 'domain' }],
  build: (sys) => flushSteps(flushAllPlan, sys.variants.is('sync-no-wait')),
});

defineOp({
  name: 'unmap_sync', subsystem: 'flush', description: 'unmap followed by iotlb_sync',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'pages', kind: 'pages' }],
  expand: ([d, iova, pages]) => [{ op: 'unmap', args: [d, iova, pages] }, { op: 'iotlb_sync', args: [d] }],
});

defineOp({
  name: 'map_sync', subsystem: 'flush', description: 'map followed by iotlb_sync (a CMD_SYNC only: map needs no TLBI)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  expand: ([d, iova, phys]) => [{ op: 'map', args: [d, iova, phys] }, { op: 'iotlb_sync', args: [d] }],
});

// ---- eager TLBIs at unmap time (SMMUv3 style), used by unmap when its variant is unmap-eager-tlbi ----

/** Called by unmap after clearing (d, p): remembers the page and the instances to invalidate it on. */
export function queueUnmapInvalidation(c: Ctx, d: number, p: number): boolean {
  const mask = servingInstances(c, d);
  c.w.set(c.sys.local(c.t, INSTANCES), mask);
  c.w.set(c.sys.local(c.t, TARGET), p);
  return mask !== 0;
}

/** Steps (starting at index first) that queue TLBI_VA for the page in local 3 on each instance in local 2. */
export function eagerSteps(first: number, after: (c: Ctx) => number | void): StepDef[] {
  const inst = (c: Ctx) => lowestBit(c.w.get(c.sys.local(c.t, INSTANCES)));
  const qlock = (c: Ctx) => c.sys.cq.lock(inst(c));
  return [
    lockStep('lock cmdq', qlock),
    {
      label: 'queue TLBI_VA',
      enabled: (c) => hasSpace(c, inst(c), 1),
      run: (c) => void insert(c, inst(c), tlbiVa(c.args[0], c.w.get(c.sys.local(c.t, TARGET)))),
    },
    unlockStep('unlock cmdq', qlock, (c) => {
      const rest = c.w.get(c.sys.local(c.t, INSTANCES)) & ~(1 << inst(c));
      c.w.set(c.sys.local(c.t, INSTANCES), rest);
      return rest !== 0 ? first : after(c);
    }),
  ];
}
