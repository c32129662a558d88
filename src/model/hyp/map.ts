// Owns the map hypercall (kvm_iommu_map_pages, with io-pgtable-arm's __arm_lpae_map under it): the host
// names a domain, an IOVA and one of its pages; under the lock of the run's mode (or holding a domain
// reference in the refcounted mode) the hypervisor takes a DMA reference of the page (__pkvm_host_use_dma),
// walks the domain's io-pgtable, installs a missing leaf table with cmpxchg64 (arm_lpae_install_table), and
// writes the leaf: checked then written (io-pgtable-arm trusting its callers) or by cmpxchg (a walk that
// tolerates a hostile host). Also the faulty variant that checks the page owner and takes the reference
// in two critical sections of the host lock.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import type { System } from '../system';
import { operation, variantOf } from '../api/define';
import { EEXIST, ENOENT, ENOMEM } from '../errno';
import { DOM_LIVE, LEVEL_LEAF } from './state';
import { allocTablePage, cmpxchgEntry, freeTablePage, loadEntry, storeEntry } from './pool';
import { hostCheckThenUseDma, hostUnuseDma, hostUseDma } from './memory';
import { hypMode, lock, slotOf, unlock, type HypMode } from './mode';
import { P_DOMAIN, P_IOVA, P_PAGE, P_SMMU } from './params';

/** The thread-locals of a map, by role. */
export interface MapLocals {
  readonly v: Local;
  /** the domain's pgd table page + 1 */
  readonly pgd: Local;
  /** the leaf table page + 1 */
  readonly table: Local;
  /** a table page this call allocated + 1 */
  readonly fresh: Local;
}

export function mapLocals(b: Builder): MapLocals {
  return { v: b.local('val'), pgd: b.local('pgd'), table: b.local('table'), fresh: b.local('fresh') };
}

/**
 * __arm_lpae_map from the pgd to the leaf table of the call's IOVA: read the pgd entry; if empty, allocate a
 * table page and install it (cmpxchg64; a loser frees its page and uses the winner's; `plain`: a plain store,
 * as before 2c3d273eabe8). Leaves the leaf table + 1 in `table`; -ENOMEM goes to `enomem`.
 */
export function walkToLeafTable(b: Builder, sys: System, l: MapLocals, plain: boolean, enomem: string): Item[] {
  const iova = b.arg('iova'), L = sys.hyp.L;
  const blk = (c: Ctx) => Math.floor(iova(c) / L);
  const pgd = (c: Ctx) => l.pgd.get(c) - 1;
  const installed = (c: Ctx) => c.w.set(c.sys.hyp.tpHeld(l.fresh.get(c) - 1), 0); // ghost: the table belongs to the pgd now
  return [
    loadEntry(b, 'READ_ONCE(pgd entry)', l.table, pgd, blk),
    b.jumpIf((c) => l.table.get(c) !== 0, 'walk.leaf'),
    allocTablePage(b, 'allocate table page (__arm_lpae_alloc_pages)', LEVEL_LEAF, l.fresh),
    b.jumpIf((c) => l.fresh.get(c) === 0, enomem),
    ...(plain
      ? [storeEntry(b, 'install table (plain store)', pgd, blk, (c) => l.fresh.get(c), installed)]
      : [
        cmpxchgEntry(b, 'arm_lpae_install_table (cmpxchg64 pgd entry)', pgd, blk, 0, (c) => l.fresh.get(c), l.v, installed),
        b.jumpIf((c) => l.v.get(c) === 0, 'walk.mine'),
        // lost the race: free ours, use the winner's table
        freeTablePage(b, 'free the table page (lost the cmpxchg)', (c) => l.fresh.get(c) - 1),
        b.compute('use the installed table', (c) => void l.table.set(c, l.v.get(c))),
        b.goto('walk.leaf'),
        b.label('walk.mine'),
      ]),
    b.compute('use the new table', (c) => void l.table.set(c, l.fresh.get(c))),
    b.label('walk.leaf'),
  ];
}

/**
 * Write the leaf entry of the call's IOVA in table `table` to the call's page: checked then written
 * (arm_lpae_init_pte: -EEXIST on a valid entry, then the write) when `trusting`, else one cmpxchg.
 * -EEXIST goes to `eexist`.
 */
export function writeLeaf(b: Builder, sys: System, l: MapLocals, trusting: boolean, eexist: string): Item[] {
  const iova = b.arg('iova'), page = b.arg('page'), L = sys.hyp.L;
  const leaf = (c: Ctx) => iova(c) % L;
  const table = (c: Ctx) => l.table.get(c) - 1;
  if (trusting)
    return [
      loadEntry(b, 'read leaf entry (arm_lpae_init_pte)', l.v, table, leaf),
      b.jumpIf((c) => l.v.get(c) !== 0, eexist),
      storeEntry(b, '__arm_lpae_init_pte (write leaf)', table, leaf, (c) => page(c) + 1),
    ];
  return [
    cmpxchgEntry(b, 'write leaf (cmpxchg64 0 -> pte)', table, leaf, 0, (c) => page(c) + 1, l.v),
    b.jumpIf((c) => l.v.get(c) !== 0, eexist),
  ];
}

/** hyp_map's steps in the run's lock mode; `splitShare` is the faulty check-then-take of the DMA reference. */
function mapSteps(b: Builder, sys: System, splitShare: boolean): Item[] {
  const m: HypMode = hypMode(sys), g = slotOf(b), page = b.arg('page');
  const pl = m.pgtableLock(g);
  const l = mapLocals(b);
  const f = (c: Ctx) => c.sys.hyp;
  const use = splitShare ? hostCheckThenUseDma : hostUseDma;
  const getDomain: Item[] = m.lockless
    ? [
      b.incNotZero('domain_get (atomic inc-not-zero refs)', (c) => f(c).domRefs(g(c)), l.v),
      b.jumpIf((c) => l.v.get(c) === 0, 'enoent'),
    ]
    : [
      b.load('handle_to_domain: read domain state', l.v, (c) => f(c).domState(g(c))),
      b.jumpIf((c) => l.v.get(c) !== DOM_LIVE, 'enoent'),
    ];
  return [
    ...(pl ? [lock(b, pl)] : []),
    ...getDomain,
    b.load('read domain->pgd', l.pgd, (c) => f(c).domPgd(g(c))),
    ...use(b, 'use', page, l.v, 'put'),
    ...walkToLeafTable(b, sys, l, m.plainInstall, 'enomem'),
    ...writeLeaf(b, sys, l, m.trusting, 'eexist'),
    b.ret(0),
    b.goto('put'),
    ...b.errorReturns([['eexist', EEXIST], ['enomem', ENOMEM]], 'unuse'),
    ...hostUnuseDma(b, page, () => 1, l.v),
    b.label('put'),
    ...(m.lockless ? [b.atomicDec('domain_put', (c) => f(c).domRefs(g(c)))] : []),
    b.goto('out'),
    b.label('enoent'), b.ret(ENOENT),
    b.label('out'),
    ...(pl ? [unlock(b, pl)] : [b.done()]),
  ];
}

operation({
  name: 'hyp_map', subsystem: 'hyp',
  description: 'host hypercall: map one IOVA page of a domain to a host page; -EPERM if the host does not own it, -EEXIST if mapped',
  params: [P_SMMU, P_DOMAIN, P_IOVA, P_PAGE],
  variant: { name: 'hyp-share-atomic', description: 'map checks that the host owns the page and takes its DMA share in one critical section of the host stage-2 lock' },
  steps: (b, sys) => mapSteps(b, sys, false),
});

variantOf('hyp_map', 'hyp-share-check-then-take', {
  faulty: true,
  description: 'map checks the page owner, then takes the DMA share in a later critical section: the host can donate the page in between',
  steps: (b, sys) => mapSteps(b, sys, true),
});
