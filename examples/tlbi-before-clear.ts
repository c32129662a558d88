// A user's module for docs/modelling.md: a patch to io-pgtable's unmap that queues each page's TLBI on the
// SMMU command queue *before* clearing the PTE (to start the invalidation early), and the fix, which clears the
// PTE first. Load it with `--load examples/tlbi-before-clear.ts`.
import {
  variantOf, pteAddr, clearPte, gatherPage, scanServingInstances, flushInstances, tlbiVa,
  type Builder, type Ctx, type Item,
} from 'iommu-check/api';

/** unmap, page by page, with the TLBI_VA queued before (or after) the PTE is cleared. */
function unmapSteps(b: Builder, tlbiFirst: boolean): Item[] {
  const d = b.arg('domain'), iova = b.arg('iova'), pages = b.arg('pages');
  const k = b.local('page'), n = b.local('unmapped'), pte = b.local('pte');
  const inst = b.local('instances'), prod = b.local('prod'), dev = b.local('dev');
  const page = (c: Ctx) => iova(c) + k.get(c);
  const tlbi: Item[] = [
    // which SMMUs serve the domain (one READ_ONCE of each device's STE), then a TLBI_VA on each
    ...scanServingInstances(b, 'tlbi', d, inst, dev, n),
    ...flushInstances(b, {
      tag: 'tlbi', domain: d, instances: inst, prod, noWait: true, sync: false,
      count: () => 1, commands: (c, put) => put(tlbiVa(d(c), page(c))), what: 'TLBI_VA',
    }),
  ];
  const clear: Item[] = [
    b.step('clear pte', (c) => clearPte(c, d(c), page(c), pte.get(c)), undefined, undefined, 'store'),
    // tell the checker that this thread's next iotlb_sync covers the page (no gather: the TLBI is queued here)
    b.compute('note the page', (c) => void gatherPage(c, d(c), page(c), false)),
  ];
  return [
    b.label('page'),
    b.jumpIf((c) => k.get(c) >= pages(c), 'end'),
    b.load('read pte', pte, pteAddr(d, page)),
    b.jumpIf((c) => pte.get(c) === 0, 'next'),
    ...(tlbiFirst ? [...tlbi, ...clear] : [...clear, ...tlbi]),
    b.label('next'),
    b.compute('next page', (c) => (k.set(c, k.get(c) + 1), 'page')),
    b.label('end'),
    b.retDone((c) => pages(c)),
  ];
}

variantOf('unmap', 'tlbi-before-clear', {
  faulty: true,
  description: 'unmap queues each page\'s TLBI_VA before clearing its PTE (the patch under review)',
  steps: (b) => unmapSteps(b, true),
});

variantOf('unmap', 'tlbi-after-clear', {
  faulty: false,
  description: 'unmap clears each PTE, then queues its TLBI_VA (the fix)',
  steps: (b) => unmapSteps(b, false),
});
