// Owns the host's memory as the hypervisor guards it: each page's owner and DMA refcount, both under the
// host stage-2 lock (host_lock_component(), host_mmu.lock). __pkvm_host_use_dma takes a DMA reference of a
// page the host owns, __pkvm_host_unuse_dma drops it, and the host can donate a page to a guest only while
// no device may reach it (host_donate_guest, after __pkvm_host_donate_guest). Also the faulty map variant's
// check-then-take, and the unsharing of the pages an unmap or a free collected.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { operation } from '../api/define';
import { EBUSY, EPERM } from '../errno';
import { OWNER_GUEST, OWNER_HOST } from './state';
import { P_PAGE } from './params';

export function hostLock(b: Builder): Item {
  return b.spinLock('host_lock_component()', (c) => c.sys.hyp.hostLock, 'host_mmu.lock');
}

export function hostUnlock(b: Builder): Item {
  return b.spinUnlock('host_unlock_component()', (c) => c.sys.hyp.hostLock, 'host_mmu.lock');
}

/**
 * __pkvm_host_use_dma(page): under the host stage-2 lock, check the host owns the page, then take a DMA
 * reference (hyp_page_ref_inc: a plain count under that lock). On -EPERM: ret = EPERM, goto `fail`.
 * `p` prefixes the labels; `v` is a scratch local.
 */
export function hostUseDma(b: Builder, p: string, page: (c: Ctx) => number, v: Local, fail: string): Item[] {
  return [
    hostLock(b),
    b.load('read page owner (___host_check_page_state_range)', v, (c) => c.sys.hyp.pageOwner(page(c))),
    b.jumpIf((c) => v.get(c) !== OWNER_HOST, `${p}.eperm`),
    b.load('read page DMA refcount', v, (c) => c.sys.hyp.pageShares(page(c))),
    b.store('hyp_page_ref_inc (DMA refcount + 1)', (c) => c.sys.hyp.pageShares(page(c)), (c) => v.get(c) + 1, 'get'),
    hostUnlock(b),
    b.goto(`${p}.done`),
    b.label(`${p}.eperm`),
    hostUnlock(b),
    b.ret(EPERM),
    b.goto(fail),
    b.label(`${p}.done`),
  ];
}

/**
 * The faulty split of __pkvm_host_use_dma: the owner is checked under the host lock, which is dropped before
 * the DMA reference is taken under it again; a donation can run in between.
 */
export function hostCheckThenUseDma(b: Builder, p: string, page: (c: Ctx) => number, v: Local, fail: string): Item[] {
  return [
    hostLock(b),
    b.load('read page owner', v, (c) => c.sys.hyp.pageOwner(page(c))),
    hostUnlock(b),
    b.jumpIf((c) => v.get(c) !== OWNER_HOST, `${p}.eperm`),
    hostLock(b),
    b.load('read page DMA refcount', v, (c) => c.sys.hyp.pageShares(page(c))),
    b.store('hyp_page_ref_inc (DMA refcount + 1)', (c) => c.sys.hyp.pageShares(page(c)), (c) => v.get(c) + 1, 'get'),
    hostUnlock(b),
    b.goto(`${p}.done`),
    b.label(`${p}.eperm`),
    b.ret(EPERM),
    b.goto(fail),
    b.label(`${p}.done`),
  ];
}

/**
 * ghost: note the page if, once this unshare leaves `left` DMA references, fewer remain than the domains whose
 * entry for it a powered-on SMMU's TLB may still hold (each such domain's own reference is dropped only after its
 * invalidation completed; an unmap that drops its reference before its TLBI completed leaves one too few).
 */
function noteStaleUnshare(c: Ctx, x: number, left: number): void {
  const h = c.sys.hyp;
  if (c.w.peek(h.staleUnshare) !== 0) return;
  let stale = 0;
  for (let g = 0; g < h.G; g++)
    for (let i = 0; i < h.N; i++)
      if (c.w.peek(h.power(i)) !== 0 && c.w.peek(h.tlbStale(i, g)) & (1 << x)) {
        stale++;
        break;
      }
  if (left < stale) c.w.set(h.staleUnshare, x + 1);
}

/**
 * __pkvm_host_unuse_dma(page): drop n DMA references under the host stage-2 lock. `unmapped`: the pages were
 * unmapped by this call, whose TLB invalidation must have completed first (checked by a ghost).
 */
export function hostUnuseDma(b: Builder, page: (c: Ctx) => number, n: (c: Ctx) => number, v: Local, unmapped = false): Item[] {
  return [
    hostLock(b),
    b.load('read page DMA refcount', v, (c) => c.sys.hyp.pageShares(page(c))),
    b.store('hyp_page_ref_dec (DMA refcount - n)', (c) => c.sys.hyp.pageShares(page(c)), (c) => {
      if (unmapped) noteStaleUnshare(c, page(c), v.get(c) - n(c));
      return v.get(c) - n(c);
    }, 'put'),
    hostUnlock(b),
  ];
}

/** Pages collected for unsharing (an unmap's, a free's): 3 bits of count per memory page. */
export function collectPage(acc: number, x: number): number {
  return acc + (1 << (3 * x));
}

export function collectedCount(acc: number, x: number): number {
  return (acc >> (3 * x)) & 7;
}

/** kvm_iommu_flush_unmap_cache: unuse each collected page (acc: a local of collectPage counts). */
export function unuseCollected(b: Builder, p: string, acc: Local, v: Local, X: number, unmapped = false): Item[] {
  const out: Item[] = [];
  for (let x = 0; x < X; x++)
    out.push(
      b.jumpIf((c) => collectedCount(acc.get(c), x) === 0, `${p}.skip${x}`),
      ...hostUnuseDma(b, () => x, (c) => collectedCount(acc.get(c), x), v, unmapped),
      b.label(`${p}.skip${x}`),
    );
  return out;
}

operation({
  name: 'host_donate_guest', subsystem: 'hyp',
  description: 'host gives one of its pages to a guest VM; -EPERM if the host does not own it, -EBUSY while it is shared with DMA',
  params: [P_PAGE],
  steps: (b) => {
    const page = b.arg('page'), v = b.local('val');
    return [
      hostLock(b),
      b.load('read page owner (__host_check_page_state_range)', v, (c) => c.sys.hyp.pageOwner(page(c))),
      b.jumpIf((c) => v.get(c) !== OWNER_HOST, 'eperm'),
      b.load('read page DMA refcount', v, (c) => c.sys.hyp.pageShares(page(c))),
      b.jumpIf((c) => v.get(c) !== 0, 'ebusy'),
      b.store('host_stage2_set_owner_locked(guest)', (c) => c.sys.hyp.pageOwner(page(c)), OWNER_GUEST),
      b.ret(0),
      b.goto('unlock'),
      ...b.errorReturns([['eperm', EPERM], ['ebusy', EBUSY]], 'unlock'),
      hostUnlock(b),
    ];
  },
});
