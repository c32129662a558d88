// Owns the DMA-API deferred flush queue (dma-iommu's "fq"): dma_map allocates an IOVA page and maps it,
// dma_unmap clears the PTE and parks the IOVA in the flush queue, fq_flush (the queue's timer) invalidates
// the whole domain and only then returns the parked IOVAs to the allocator.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import { defineSubsystem, type System } from '../system';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { EINVAL, ENOMEM } from '../errno';
import { clearPte, mapPage } from './pgtable';
import { domainFlushPlan, flushSteps } from './flush';
import { touchDomain } from '../domains/state';

export const IOVA_FREE = 0;
export const IOVA_IN_USE = 1;
export const IOVA_DEFERRED = 2;

export interface FlushQueueFields {
  /** IOVA allocator state of (domain, page): free, in use, or parked in the flush queue */
  iova: Index2;
  /** the IOVA page + 1 a thread's last dma_map returned (what its dma_unmap releases) */
  threadIova: Index1;
}

declare module '../system' {
  interface System {
    fq: FlushQueueFields;
  }
}

defineSubsystem({
  name: 'flushqueue',
  declare(b: LayoutBuilder, sys: System) {
    const D = sys.scenario.domains.length, P = sys.scenario.pages;
    sys.fq = {
      iova: b.matrix('iova', D, P, (d) => `iova-allocator[${d}]`),
      threadIova: b.array('thread.iova', sys.threads, (t) => `thread[${t}]`),
    };
  },
});

defineVariants([
  { name: 'fq-defer-until-flush', slot: 'flush_queue', subsystem: 'flush', faulty: false, isDefault: true,
    description: 'an unmapped IOVA stays in the flush queue until fq_flush has invalidated the IOTLBs' },
  { name: 'fq-reuse-before-flush', slot: 'flush_queue', subsystem: 'flush', faulty: true,
    description: 'dma_unmap returns the IOVA to the allocator at once, so it is reused before its flush' },
]);

defineOp({
  name: 'dma_map', subsystem: 'flushqueue',
  description: 'allocate the lowest free IOVA page of the domain and map it to a physical page; returns the IOVA',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'phys', kind: 'phys' }],
  build: () => [{
    label: 'allocate iova and map',
    run: (c) => {
      const f = c.sys.fq, d = c.args[0];
      touchDomain(c, d);
      let p = 0;
      while (p < c.sys.pt.P && c.w.get(f.iova(d, p)) !== IOVA_FREE) p++;
      if (p === c.sys.pt.P) return void c.w.set(c.sys.ret(c.t), ENOMEM);
      c.w.set(f.iova(d, p), IOVA_IN_USE);
      mapPage(c, d, p, c.args[1]);
      c.w.set(f.threadIova(c.t), p + 1);
      c.w.set(c.sys.ret(c.t), p);
    },
  }],
});

defineOp({
  name: 'dma_unmap', subsystem: 'flushqueue',
  description: 'unmap the IOVA of this thread\'s last dma_map and queue it for a deferred flush',
  params: [{ name: 'domain', kind: 'domain' }],
  build: (sys) => {
    const reuseEarly = sys.variants.is('fq-reuse-before-flush');
    return [
      {
        label: 'clear pte',
        run: (c) => {
          const d = c.args[0], p = c.w.get(c.sys.fq.threadIova(c.t)) - 1;
          if (p < 0) {
            c.w.set(c.sys.ret(c.t), EINVAL);
            return -1;
          }
          clearPte(c, d, p); // the flush queue, not this thread, will flush it
          c.w.set(c.sys.local(c.t, 0), p);
        },
      },
      {
        label: reuseEarly ? 'free iova now' : 'park iova in flush queue',
        run: (c) => {
          const d = c.args[0], p = c.w.get(c.sys.local(c.t, 0));
          c.w.set(c.sys.fq.iova(d, p), reuseEarly ? IOVA_FREE : IOVA_DEFERRED);
          c.w.set(c.sys.fq.threadIova(c.t), 0);
          c.w.set(c.sys.ret(c.t), 0);
        },
      },
    ];
  },
});

const fqPlan = domainFlushPlan(
  'take flush queue',
  (c) => {
    const d = c.args[0];
    let mask = 0;
    for (let p = 0; p < c.sys.pt.P; p++) if (c.w.get(c.sys.fq.iova(d, p)) === IOVA_DEFERRED) mask |= 1 << p;
    return mask;
  },
  (c, p) => c.w.set(c.sys.fq.iova(c.args[0], p), IOVA_FREE),
);

defineOp({
  name: 'fq_flush', subsystem: 'flushqueue',
  description: 'the flush-queue timer: invalidate the domain everywhere, then free the parked IOVAs',
  params: [{ name: 'domain', kind: 'domain' }],
  build: (sys) => flushSteps(fqPlan, sys.variants.is('sync-no-wait')),
});
