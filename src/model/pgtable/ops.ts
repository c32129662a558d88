// Owns map and unmap on a domain's io-pgtable, in io-pgtable-arm's order: map reads the PTE (-EEXIST if
// valid) and writes it; unmap, page by page, reads the PTE, clears it and range_adds the page to the caller's
// gather (or, SMMUv3's older style, queues a TLBI_VA at once on every serving instance); and their variants.
import type { Ctx } from '../program';
import type { Addr, Item } from '../api/instr';
import type { Builder } from '../api/builder';
import { operation, variantOf } from '../api/define';
import { EEXIST } from '../errno';
import { touchDomain } from '../domains/state';
import { tlbiVa } from '../cmdq/state';
import { gatherPage } from '../flush/state';
import { flushInstances, scanServingInstances } from '../flush/steps';
import { clearPte, installPte } from './state';

/** The address of PTE (d, p), checked by the use-after-free detector on the way. */
export function pteAddr(d: (c: Ctx) => number, p: (c: Ctx) => number): Addr {
  return (c) => {
    touchDomain(c, d(c));
    return c.sys.pt.pte(d(c), p(c));
  };
}

operation({
  name: 'map', subsystem: 'pgtable', description: 'map one IOVA page of a domain to a physical page (no flush needed)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  steps: (b) => {
    const d = b.arg('domain'), p = b.arg('iova'), phys = b.arg('phys');
    const pte = b.local('pte');
    return [
      b.load('read pte', pte, pteAddr(d, p)),
      b.jumpIf((c) => pte.get(c) !== 0, 'eexist'),
      b.step('install pte', (c) => installPte(c, d(c), p(c), phys(c)), undefined, undefined, 'store', (c) => c.sys.pt.pte(d(c), p(c))),
      b.retDone(0),
      b.label('eexist'), b.retDone(EEXIST),
    ];
  },
});

type UnmapMode = 'gather' | 'eager' | 'none';

/** unmap's steps: per page, read the PTE, clear it if valid, then tell the gather (or queue TLBIs, or nothing). */
function unmapSteps(b: Builder, mode: UnmapMode): Item[] {
  const d = b.arg('domain'), iova = b.arg('iova'), pages = b.arg('pages');
  const k = b.local('page'), n = b.local('unmapped'), pte = b.local('pte');
  const page = (c: Ctx) => iova(c) + k.get(c);
  const ghostOnly = b.compute('note the page', (c) => void gatherPage(c, d(c), page(c), false));
  const eager: Item[] = [];
  if (mode === 'eager') {
    const inst = b.local('instances'), prod = b.local('prod'), dev = b.local('dev');
    eager.push(
      ...scanServingInstances(b, 'eager', d, inst, dev, pte),
      ...flushInstances(b, {
        tag: 'eager', domain: d, instances: inst, prod, noWait: true, sync: false,
        count: () => 1, commands: (c, put) => put(tlbiVa(d(c), page(c))), what: 'TLBI_VA',
      }),
    );
  }
  return [
    b.label('page'),
    b.jumpIf((c) => k.get(c) >= pages(c), 'end'),
    b.load('read pte', pte, pteAddr(d, page)),
    b.jumpIf((c) => pte.get(c) === 0, 'next'),
    b.step('clear pte', (c) => clearPte(c, d(c), page(c), pte.get(c)), undefined, undefined, 'store', (c) => c.sys.pt.pte(d(c), page(c))),
    b.compute('count the page', (c) => void n.set(c, n.get(c) + 1)),
    // unmap-no-invalidate: the gather is never told (the ghost still knows the sync must cover the page)
    mode === 'gather' ? { ...b.compute('range_add the page to the gather', (c) => void gatherPage(c, d(c), page(c), true)),
      role: 'invalidate', withoutOne: ghostOnly } : ghostOnly,
    ...eager,
    b.label('next'),
    b.compute('next page', (c) => (k.set(c, k.get(c) + 1), 'page')),
    b.label('end'),
    b.retDone((c) => n.get(c)),
  ];
}

operation({
  name: 'unmap', subsystem: 'pgtable',
  description: 'unmap IOVA pages of a domain; the invalidation is deferred to iotlb_sync (or queued eagerly)',
  params: [{ name: 'domain', kind: 'domain' }, { name: 'iova', kind: 'page' }, { name: 'pages', kind: 'pages' }],
  variant: { name: 'unmap-gather', description: 'unmap clears the PTEs and range_adds them to the caller\'s gather; iotlb_sync queues the TLBIs' },
  steps: (b) => unmapSteps(b, 'gather'),
});

variantOf('unmap', 'unmap-eager-tlbi', {
  faulty: false,
  description: 'SMMUv3 style: unmap queues a TLBI per page at once on every serving instance; iotlb_sync only adds CMD_SYNC',
  steps: (b) => unmapSteps(b, 'eager'),
});

variantOf('unmap', 'unmap-no-invalidate', {
  faulty: true, description: 'unmap clears the PTEs but never adds them to the gather nor queues a TLBI',
  steps: (b) => unmapSteps(b, 'none'),
});
