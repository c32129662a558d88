// Owns the hypercalls that create and destroy domains (kvm_iommu_alloc_domain, kvm_iommu_free_domain):
// under the lock of the run's mode, allocate a pgd and publish the domain with one reference; free it only
// when that is the last reference (refs 1 -> 0), tearing its io-pgtable down and unsharing what it mapped.
// Also the faulty free that ignores the reference count.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Instr, Item } from '../api/instr';
import type { System } from '../system';
import { operation, variantOf } from '../api/define';
import { EBUSY, EEXIST, ENOENT, ENOMEM } from '../errno';
import { DOM_FREE, DOM_LIVE, LEVEL_PGD } from './state';
import { allocTablePage, freeTablePage, loadEntry } from './pool';
import { collectPage, unuseCollected } from './memory';
import { hypMode, lock, slotOf, unlock } from './mode';
import { P_DOMAIN, P_SMMU } from './params';

operation({
  name: 'hyp_alloc_domain', subsystem: 'hyp',
  description: 'host hypercall: allocate domain ID on an SMMU with a fresh pgd; -EEXIST if in use, -ENOMEM if the pool is empty',
  params: [P_SMMU, P_DOMAIN],
  steps: (b, sys) => {
    const m = hypMode(sys), g = slotOf(b), l = m.allocLock(g);
    const v = b.local('val'), k = b.local('pgd');
    const f = (c: Ctx) => c.sys.hyp;
    return [
      lock(b, l),
      ...(m.lockless
        ? [b.load('atomic_read(&domain->refs)', v, (c) => f(c).domRefs(g(c)))]
        : [b.load('read domain state', v, (c) => f(c).domState(g(c)))]),
      b.jumpIf((c) => v.get(c) !== 0, 'eexist'),
      allocTablePage(b, 'allocate pgd (alloc_iopt)', LEVEL_PGD, k),
      b.jumpIf((c) => k.get(c) === 0, 'enomem'),
      b.store('domain->state = LIVE', (c) => f(c).domState(g(c)), DOM_LIVE),
      ...(m.lockless ? [] : [b.store('domain->refs = 1', (c) => f(c).domRefs(g(c)), 1, 'get')]),
      b.store('domain->pgd = iopt.pgd', (c) => f(c).domPgd(g(c)), (c) => {
        c.w.set(f(c).tpHeld(k.get(c) - 1), 0); // ghost: the pgd now belongs to the domain
        return k.get(c);
      }),
      ...(m.lockless ? [b.store('atomic_set_release(&domain->refs, 1)', (c) => f(c).domRefs(g(c)), 1, 'get')] : []),
      b.ret(0),
      b.goto('out'),
      ...b.errorReturns([['eexist', EEXIST], ['enomem', ENOMEM]], 'out'),
      unlock(b, l),
    ];
  },
});

/** free_domain's steps; `checkRefs` false frees whatever the reference count (the faulty variant). */
function freeSteps(b: Builder, sys: System, checkRefs: boolean): Item[] {
  const m = hypMode(sys), g = slotOf(b), l = m.allocLock(g), h = sys.hyp;
  const v = b.local('val'), pgd = b.local('pgd'), t = b.local('table'), acc = b.local('unuse');
  const f = (c: Ctx) => c.sys.hyp;
  /** ghost: record a domain freed while still referenced */
  const noteFreedInUse = (c: Ctx, refs: number) => {
    if (refs > 1 && c.w.get(f(c).freedInUse) === 0) {
      c.w.set(f(c).freedInUse, g(c) + 1);
      c.w.set(f(c).freedRefs, refs);
    }
  };
  const dropRef: Item[] = m.lockless
    ? checkRefs
      ? [
        b.cmpxchg('atomic_cmpxchg_acquire(&domain->refs, 1, 0)', (c) => f(c).domRefs(g(c)), 1, 0, v),
        b.jumpIf((c) => v.get(c) === 0, 'enoent'),
        b.jumpIf((c) => v.get(c) !== 1, 'ebusy'),
      ]
      : [
        b.rmw('atomic_xchg(&domain->refs, 0)', (c) => f(c).domRefs(g(c)), () => 0, v, 'put'),
        b.jumpIf((c) => v.get(c) === 0, 'enoent'),
        b.compute('(whatever the count)', (c) => void noteFreedInUse(c, v.get(c))),
      ]
    : [
      b.load('read domain state', v, (c) => f(c).domState(g(c))),
      b.jumpIf((c) => v.get(c) !== DOM_LIVE, 'enoent'),
      b.load('read domain->refs', v, (c) => f(c).domRefs(g(c))),
      checkRefs
        ? b.jumpIf((c) => v.get(c) !== 1, 'ebusy')
        : b.compute('(whatever the count)', (c) => void noteFreedInUse(c, v.get(c))),
    ];
  // kvm_arm_io_pgtable_free: every leaf table (collecting the pages its entries map), then the pgd
  const teardown: Item[] = [];
  for (let blk = 0; blk < h.B; blk++) {
    teardown.push(
      loadEntry(b, `read pgd entry ${blk}`, t, (c) => pgd.get(c) - 1, () => blk),
      b.jumpIf((c) => t.get(c) === 0, `noleaf${blk}`),
    );
    for (let j = 0; j < h.L; j++)
      teardown.push(
        loadEntry(b, `read leaf entry ${j}`, v, (c) => t.get(c) - 1, () => j),
        b.compute('collect the page it maps', (c) => void (v.get(c) !== 0 && acc.set(c, collectPage(acc.get(c), v.get(c) - 1)))),
      );
    teardown.push(freeTablePage(b, 'free leaf table', (c) => t.get(c) - 1), b.label(`noleaf${blk}`));
  }
  return [
    lock(b, l),
    ...dropRef,
    b.load('read domain->pgd', pgd, (c) => f(c).domPgd(g(c))),
    b.jumpIf((c) => pgd.get(c) === 0, 'clear'),
    ...teardown,
    dying(freeTablePage(b, 'free pgd', (c) => pgd.get(c) - 1), (c) => f(c).domDying(g(c)), 1),
    b.label('clear'),
    // memset(domain, 0, sizeof(*domain))
    dying(b.store('memset(domain): state = FREE', (c) => f(c).domState(g(c)), DOM_FREE), (c) => f(c).domDying(g(c)), 0),
    ...(m.lockless ? [] : [b.store('memset(domain): refs = 0', (c) => f(c).domRefs(g(c)), 0, 'put')]),
    b.store('memset(domain): pgd = 0', (c) => f(c).domPgd(g(c)), 0),
    b.ret(0),
    unlock(b, l),
    ...unuseCollected(b, 'unuse', acc, v, h.X),
    b.done(),
    ...b.errorReturns([['ebusy', EBUSY], ['enoent', ENOENT]], 'out'),
    unlock(b, l),
  ];
}

operation({
  name: 'hyp_free_domain', subsystem: 'hyp',
  description: 'host hypercall: free a domain and its io-pgtable; -EBUSY unless this drops the last reference, -ENOENT if not live',
  params: [P_SMMU, P_DOMAIN],
  variant: { name: 'hyp-free-checks-refs', description: 'free_domain fails with -EBUSY unless it drops the last reference (nothing attached, no map/unmap in flight)' },
  steps: (b, sys) => freeSteps(b, sys, true),
});

variantOf('hyp_free_domain', 'hyp-free-ignores-refs', {
  faulty: true, description: 'free_domain frees the io-pgtable of a domain whatever its reference count (still attached or in use)',
  steps: (b, sys) => freeSteps(b, sys, false),
});

/**
 * ins, also noting (ghost) whether the domain's pgd pointer is dangling: the free returns the pgd page to the pool
 * before the memset clears the slot, as the code does; the page may be reused meanwhile, which is harmless since
 * nobody reaches a domain being freed.
 */
function dying(ins: Instr, at: (c: Ctx) => number, v: number): Instr {
  return { ...ins, run: (c) => {
    c.w.set(at(c), v);
    return ins.run(c);
  } };
}

