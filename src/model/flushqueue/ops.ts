// Owns the flush-queue operations in dma-iommu's order: dma_map (alloc_iova under the allocator lock, then
// map the page), dma_unmap (clear the PTE, then queue_iova under the lock: the IOVA waits in the queue),
// fq_flush (the timer: note the parked IOVAs, flush the whole domain everywhere, then free them under the lock);
// and the faulty dma_unmap that frees the IOVA at once.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { EINVAL, ENOMEM } from '../errno';
import { clearPte, installPte, watchPage } from '../pgtable/state';
import { pteAddr } from '../pgtable/ops';
import { domainFlush } from '../flush/ops';
import { touchDomain } from '../domains/state';
import { IOVA_DEFERRED, IOVA_FREE, IOVA_IN_USE } from './state';

const lockOf = (d: (c: Ctx) => number) => (c: Ctx) => c.sys.fq.lock(d(c));

operation({
  name: 'dma_map', subsystem: 'flushqueue',
  description: 'allocate the lowest free IOVA page of the domain and map it to a physical page; returns the IOVA',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'phys', kind: 'phys' }],
  steps: (b) => {
    const d = b.arg('domain'), phys = b.arg('phys');
    const p = b.local('iova'), v = b.local('val');
    const lock = lockOf(d);
    return [
      b.spinLock('spin_lock(iova allocator)', lock, 'iova allocator'),
      b.label('scan'),
      b.jumpIf((c) => p.get(c) >= c.sys.pt.P, 'enomem'),
      b.load('read iova state', v, (c) => c.sys.fq.iova(d(c), p.get(c))),
      b.jumpIf((c) => v.get(c) === IOVA_FREE, 'found'),
      b.compute('next iova', (c) => (p.set(c, p.get(c) + 1), 'scan')),
      b.label('enomem'),
      b.spinUnlock('spin_unlock(iova allocator)', lock, 'iova allocator'),
      b.retDone(ENOMEM),
      b.label('found'),
      b.store('mark iova in use', (c) => c.sys.fq.iova(d(c), p.get(c)), IOVA_IN_USE),
      b.spinUnlock('spin_unlock(iova allocator)', lock, 'iova allocator'),
      b.load('read pte', v, pteAddr(d, p.get)),
      b.jumpIf((c) => v.get(c) !== 0, 'mapped'), // the IOVA was ours: a valid PTE would be a bug elsewhere
      b.step('install pte', (c) => installPte(c, d(c), p.get(c), phys(c)), undefined, undefined, 'store'),
      b.label('mapped'),
      b.compute('remember the iova', (c) => c.w.set(c.sys.fq.threadIova(c.t), p.get(c) + 1)),
      b.retDone((c) => p.get(c)),
    ];
  },
});

/** dma_unmap's steps; the IOVA goes back as `release` (parked in the queue, or freed at once). */
function unmapSteps(b: Builder, release: number): Item[] {
  const d = b.arg('domain');
  const p = b.local('iova'), v = b.local('pte');
  const lock = lockOf(d);
  return [
    b.compute('take the iova of the last dma_map', (c) => {
      p.set(c, c.w.get(c.sys.fq.threadIova(c.t)) - 1);
      return p.get(c) < 0 ? 'einval' : undefined;
    }),
    b.load('read pte', v, pteAddr(d, p.get)),
    b.jumpIf((c) => v.get(c) === 0, 'release'),
    // the flush queue, not this thread, will flush it
    b.step('clear pte', (c) => clearPte(c, d(c), p.get(c), v.get(c)), undefined, undefined, 'store'),
    b.label('release'),
    b.spinLock('spin_lock(iova allocator)', lock, 'iova allocator'),
    b.store(release === IOVA_FREE ? 'free iova now' : 'park iova in flush queue', (c) => c.sys.fq.iova(d(c), p.get(c)), release),
    b.spinUnlock('spin_unlock(iova allocator)', lock, 'iova allocator'),
    b.compute('forget the iova', (c) => c.w.set(c.sys.fq.threadIova(c.t), 0)),
    b.retDone(0),
    b.label('einval'), b.retDone(EINVAL),
  ];
}

operation({
  name: 'dma_unmap', subsystem: 'flushqueue',
  description: 'unmap the IOVA of this thread\'s last dma_map and queue it for a deferred flush',
  params: [{ name: 'domain', kind: 'domain' }],
  variant: { name: 'fq-defer-until-flush', description: 'an unmapped IOVA stays in the flush queue until fq_flush has invalidated the IOTLBs' },
  steps: (b) => unmapSteps(b, IOVA_DEFERRED),
});

variantOf('dma_unmap', 'fq-reuse-before-flush', {
  faulty: true, description: 'dma_unmap returns the IOVA to the allocator at once, so it is reused before its flush',
  steps: (b) => unmapSteps(b, IOVA_FREE),
});

operation({
  name: 'fq_flush', subsystem: 'flushqueue',
  description: 'the flush-queue timer: invalidate the domain everywhere, then free the parked IOVAs',
  params: [{ name: 'domain', kind: 'domain' }],
  steps: (b) => {
    const d = b.arg('domain');
    const pages = b.local('pages'), k = b.local('page');
    const lock = lockOf(d);
    const take: Item[] = [
      b.compute('the timer fires', (c) => void touchDomain(c, d(c))),
      b.spinLock('spin_lock(flush queue)', lock, 'iova allocator'),
      b.label('scan'),
      b.jumpIf((c) => k.get(c) >= c.sys.pt.P, 'scanned'),
      b.step('read iova state', (c) => {
        const p = k.get(c);
        if (c.w.get(c.sys.fq.iova(d(c), p)) === IOVA_DEFERRED) {
          pages.set(c, pages.get(c) | (1 << p));
          watchPage(c, d(c), p); // ghost: the flush to come covers it
        }
        k.set(c, p + 1);
        return 'scan';
      }, undefined, undefined, 'load'),
      b.label('scanned'),
      b.spinUnlock('spin_unlock(flush queue)', lock, 'iova allocator'),
    ];
    const free: Item[] = [
      b.spinLock('spin_lock(flush queue)', lock, 'iova allocator'),
      b.compute('first parked iova', (c) => k.set(c, 0)),
      b.label('free'),
      b.jumpIf((c) => (pages.get(c) >> k.get(c)) === 0, 'freed'),
      b.jumpIf((c) => ((pages.get(c) >> k.get(c)) & 1) === 0, 'skip'),
      b.store('free parked iova', (c) => c.sys.fq.iova(d(c), k.get(c)), IOVA_FREE),
      b.label('skip'),
      b.compute('next parked iova', (c) => (k.set(c, k.get(c) + 1), 'free')),
      b.label('freed'),
      b.spinUnlock('spin_unlock(flush queue)', lock, 'iova allocator'),
      b.retDone(0),
    ];
    return domainFlush(b, take, pages, free);
  },
});

