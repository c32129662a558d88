// Owns the unmap hypercall (kvm_iommu_unmap_pages over io-pgtable-arm's __arm_lpae_unmap): page by page,
// under the lock of the run's mode (or holding a domain reference in the refcounted mode), clear each leaf
// (read then cleared by io-pgtable-arm trusting its callers, which also frees the table of a block the range
// covers entirely; one xchg in the lockless walk, which keeps tables until free_domain), collecting the
// pages it unmapped; then invalidate the TLBs (TLBI + CMD_SYNC) and only then drop the pages' DMA
// references (kvm_iommu_flush_unmap_cache). Returns the number of pages unmapped.
import type { Ctx } from '../program';
import type { Item } from '../api/instr';
import { operation } from '../api/define';
import { EINVAL, ENOENT } from '../errno';
import { DOM_LIVE } from './state';
import { freeTablePage, loadEntry, storeEntry, xchgEntry } from './pool';
import { collectPage, unuseCollected } from './memory';
import { invalidateDomain } from './invalidate';
import { hypMode, lock, slotOf, unlock } from './mode';
import { P_DOMAIN, P_IOVA, P_PAGES, P_SMMU } from './params';

operation({
  name: 'hyp_unmap', subsystem: 'hyp',
  description: 'host hypercall: unmap IOVA pages of a domain, invalidate its TLBs (CMD_SYNC), then unshare the pages; returns the pages unmapped',
  params: [P_SMMU, P_DOMAIN, P_IOVA, P_PAGES],
  steps: (b, sys) => {
    const m = hypMode(sys), h = sys.hyp, g = slotOf(b), iova = b.arg('iova'), pages = b.arg('pages');
    const pl = m.pgtableLock(g);
    const i = b.local('done'), pgd = b.local('pgd'), t = b.local('table'), v = b.local('val'), acc = b.local('unuse'), pw = b.local('power');
    const f = (c: Ctx) => c.sys.hyp;
    const at = (c: Ctx) => iova(c) + i.get(c);
    const blk = (c: Ctx) => Math.floor(at(c) / h.L), leaf = (c: Ctx) => at(c) % h.L;
    const pgdPage = (c: Ctx) => pgd.get(c) - 1, table = (c: Ctx) => t.get(c) - 1;
    const ret = (c: Ctx) => c.w.get(c.sys.ret(c.t));
    const unmapped = (c: Ctx) => {
      acc.set(c, collectPage(acc.get(c), v.get(c) - 1));
      c.w.set(c.sys.ret(c.t), ret(c) + 1);
    };
    /** io-pgtable-arm frees the table of a block once the range has covered it entirely */
    const covers = (c: Ctx) => leaf(c) === h.L - 1 && iova(c) <= blk(c) * h.L;
    const getDomain: Item[] = m.lockless
      ? [
        b.incNotZero('domain_get (atomic inc-not-zero refs)', (c) => f(c).domRefs(g(c)), v),
        b.jumpIf((c) => v.get(c) === 0, 'enoent'),
      ]
      : [
        b.load('handle_to_domain: read domain state', v, (c) => f(c).domState(g(c))),
        b.jumpIf((c) => v.get(c) !== DOM_LIVE, 'enoent'),
      ];
    /** ghost: each powered-on SMMU that may translate through domain g may keep the cleared leaf in its TLB */
    const noteStale = (c: Ctx, pte: number) => {
      if (pte === 0) return;
      const h = c.sys.hyp, gs = g(c);
      for (let k = 0; k < h.N; k++) {
        if (!h.shared && Math.floor(gs / h.D) !== k) continue;
        if (c.w.peek(h.power(k)) === 0) continue;
        c.w.set(h.tlbStale(k, gs), c.w.peek(h.tlbStale(k, gs)) | (1 << (pte - 1)));
      }
    };
    const clearLeaf: Item[] = m.trusting
      ? [
        loadEntry(b, 'read leaf entry', v, table, leaf),
        b.jumpIf((c) => v.get(c) === 0, 'leaf.done'),
        storeEntry(b, '__arm_lpae_clear_pte (leaf)', table, leaf, 0, (c) => noteStale(c, v.get(c))),
        b.compute('collect the page (unmapped++)', (c) => void unmapped(c)),
      ]
      : [
        xchgEntry(b, 'xchg(leaf entry, 0)', table, leaf, 0, v, (old, c) => noteStale(c, old)),
        b.jumpIf((c) => v.get(c) === 0, 'leaf.done'),
        b.compute('collect the page (unmapped++)', (c) => void unmapped(c)),
      ];
    const freeTable: Item[] = m.trusting
      ? [
        b.jumpIf((c) => !covers(c), 'next'),
        loadEntry(b, 'READ_ONCE(pgd entry)', t, pgdPage, blk),
        b.jumpIf((c) => t.get(c) === 0, 'next'),
        storeEntry(b, '__arm_lpae_clear_pte (pgd entry)', pgdPage, blk, 0,
          (c) => c.w.set(c.sys.hyp.tpHeld(t.get(c) - 1), c.t + 1)), // ghost: the table is this call's to free now
        freeTablePage(b, '__arm_lpae_free_pgtable (leaf table)', table),
      ]
      : [];
    return [
      b.compute('check the IOVA range (-EINVAL past it)', (c) => (iova(c) + pages(c) > c.sys.hyp.B * c.sys.hyp.L ? 'einval' : undefined)),
      ...(pl ? [lock(b, pl)] : []),
      ...getDomain,
      b.load('read domain->pgd', pgd, (c) => f(c).domPgd(g(c))),
      b.ret(0),
      b.label('page'),
      loadEntry(b, 'READ_ONCE(pgd entry)', t, pgdPage, blk),
      b.jumpIf((c) => t.get(c) === 0, 'leaf.done'),
      ...clearLeaf,
      b.label('leaf.done'),
      ...freeTable,
      b.label('next'),
      b.compute('next page', (c) => (i.set(c, i.get(c) + 1), i.get(c) < pages(c) ? 'page' : undefined)),
      // the global lock covers the invalidation too; the other modes take each SMMU's lock for it
      ...(pl && !m.global ? [unlock(b, pl)] : []),
      b.jumpIf((c) => ret(c) === 0, 'unuse'),
      ...invalidateDomain(b, m, h.N, g, pw),
      b.label('unuse'),
      ...unuseCollected(b, 'unuse', acc, v, h.X, true),
      ...(m.lockless ? [b.atomicDec('domain_put', (c) => f(c).domRefs(g(c)))] : []),
      ...(pl && m.global ? [unlock(b, pl)] : []),
      b.done(),
      b.label('enoent'), b.ret(ENOENT),
      ...(pl ? [unlock(b, pl)] : []),
      b.done(),
      b.label('einval'), b.ret(EINVAL),
    ];
  },
});
