// Owns the state of the DMA-API deferred flush queue (dma-iommu's "fq"): each IOVA page's allocator state
// (free, in use, parked in the flush queue), plain and protected by one spinlock that stands for both the IOVA
// allocator's iova_rbtree_lock and the queue's fq->lock, and the IOVA each thread's last dma_map returned.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import { defineSubsystem, type System } from '../system';
import { enumPrinter, idPrinter, lockPrinter } from '../printers';

export const IOVA_FREE = 0;
export const IOVA_IN_USE = 1;
export const IOVA_DEFERRED = 2;

export interface FlushQueueFields {
  /** IOVA allocator state of (domain, page): free, in use, or parked in the flush queue */
  iova: Index2;
  /** per domain: the spinlock of its IOVA allocator and flush queue */
  lock: Index1;
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
      iova: b.matrix('iova', D, P, (d, p) => `iova-allocator[${d}][${p}]`),
      lock: b.array('iova.lock', D, (d) => `iova-allocator[${d}].lock`),
      threadIova: b.array('thread.iova', sys.threads, (t) => `thread[${t}]`),
    };
    b.access('iova.lock', 'lock');
    b.access('thread.iova', 'local');
    b.print('iova', enumPrinter(['free', 'in use', 'deferred']));
    b.print('iova.lock', lockPrinter);
    b.print('thread.iova', idPrinter('iova page'));
  },
});
