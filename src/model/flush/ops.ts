// Owns the flush operations: iotlb_sync (the caller's gather as TLBI_VAs + CMD_SYNC on every instance serving
// the domain, waiting for each), flush_tlb_all (TLBI by ASID), and the composites map_sync and unmap_sync.
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { compositeOperation, operation } from '../api/define';
import { touchDomain } from '../domains/state';
import { tlbiAsid, tlbiVa } from '../cmdq/state';
import { promiseClean, takeWatched, watchPage, watching } from '../pgtable/state';
import { forEachBit, popCount } from '../bits';
import { flushTargets } from './state';
import { flushInstances, scanServingInstances } from './steps';

/** A whole-domain flush (TLBI_ASID on every serving instance) of the pages `start` puts in `pages`, then `after`. */
export function domainFlush(b: Builder, start: Item[], pages: Local, after: Item[]): Item[] {
  const d = b.arg('domain');
  const inst = b.local('instances'), prod = b.local('prod'), dev = b.local('dev'), val = b.local('val');
  return [
    ...start,
    ...scanServingInstances(b, 'flush', d, inst, dev, val),
    b.compute('choose instances', (c) => inst.set(c, flushTargets(c, d(c), inst.get(c)))),
    ...flushInstances(b, {
      tag: 'flush', domain: d, instances: inst, prod, noWait: b.sys.variants.is('sync-no-wait'),
      count: () => 1, commands: (c, put) => put(tlbiAsid(d(c))), what: 'TLBI_ASID + ',
    }),
    b.compute('the flush is done: the pages are clean', (c) => forEachBit(pages.get(c), (p) => promiseClean(c, d(c), p))),
    ...after,
  ];
}

operation({
  name: 'iotlb_sync', subsystem: 'flush',
  description: 'flush the caller\'s gather on every instance serving the domain; returns when the flush is done',
  params: [{ name: 'domain', kind: 'domain' }],
  steps: (b) => {
    const d = b.arg('domain');
    const pages = b.local('pages'), inst = b.local('instances'), prod = b.local('prod'), dev = b.local('dev'), val = b.local('val');
    return [
      b.compute('take gather', (c) => {
        touchDomain(c, d(c));
        const g = c.sys.fl.gather(c.t, d(c));
        pages.set(c, c.w.get(g));
        c.w.set(g, 0);
      }),
      ...scanServingInstances(b, 'sync', d, inst, dev, val),
      b.compute('choose instances', (c) => inst.set(c, flushTargets(c, d(c), inst.get(c)))),
      ...flushInstances(b, {
        tag: 'sync', domain: d, instances: inst, prod, noWait: b.sys.variants.is('sync-no-wait'),
        count: (c) => popCount(pages.get(c)),
        commands: (c, put) => forEachBit(pages.get(c), (p) => put(tlbiVa(d(c), p))),
        what: 'TLBIs of the gather + ',
      }),
      b.compute('the sync is done: what it covered is clean', (c) => {
        forEachBit(takeWatched(c, d(c)), (p) => {
          if (watching(c, d(c), p)) promiseClean(c, d(c), p);
        });
      }),
      b.retDone(0),
    ];
  },
});

operation({
  name: 'flush_tlb_all', subsystem: 'flush',
  description: 'invalidate every IOTLB entry of the domain on every serving instance; returns when done',
  params: [{ name: 'domain', kind: 'domain' }],
  steps: (b) => {
    const d = b.arg('domain'), pages = b.local('pages');
    return domainFlush(b, [
      b.compute('note unmapped pages', (c) => {
        touchDomain(c, d(c));
        let mask = 0;
        for (let p = 0; p < c.sys.pt.P; p++) if (c.w.peek(c.sys.pt.pte(d(c), p)) === 0) mask |= 1 << p; // ghost: what the flush will promise
        const g = c.sys.fl.gather(c.t, d(c));
        c.w.set(g, c.w.get(g) & ~mask);
        pages.set(c, mask);
        forEachBit(mask, (p) => watchPage(c, d(c), p));
      }),
    ], pages, [b.retDone(0)]);
  },
});

compositeOperation({
  name: 'unmap_sync', subsystem: 'flush', description: 'unmap followed by iotlb_sync',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'pages', kind: 'pages' }],
  expand: ([d, iova, pages]) => [{ op: 'unmap', args: [d, iova, pages] }, { op: 'iotlb_sync', args: [d] }],
});

compositeOperation({
  name: 'map_sync', subsystem: 'flush', description: 'map followed by iotlb_sync (a CMD_SYNC only: map needs no TLBI)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  expand: ([d, iova, phys]) => [{ op: 'map', args: [d, iova, phys] }, { op: 'iotlb_sync', args: [d] }],
});

