// Owns the allocator's xarray of PASIDs (default_allocator.xa): xa_alloc and xa_erase take the xarray's own
// spinlock, xa_lock, so an allocation's search for the lowest free index and its store of the new entry are
// one critical section of the xarray whatever lock the caller holds; xa_load is a lockless (RCU) read of one
// entry. The ioasid_data xa_alloc publishes is initialised (its set and refcount) before its entry is stored.
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import type { Ctx } from '../program';
import { ias } from './state';

const XA_LOCK = 'xa_lock';
const xaLock = (c: Ctx) => ias(c).xaLock;

/**
 * xa_alloc(&active_allocator->xa, &id, data, XA_LIMIT(0, max)) for a fresh ioasid_data of `set`: the lowest
 * free index into `id` (-1 when none: -ENOSPC). `tag` keeps the labels apart from the caller's.
 */
export function xaAlloc(b: Builder, set: (c: Ctx) => number, id: Local, v: Local, tag = 'xa_alloc_'): Item[] {
  const search = `${tag}search`, found = `${tag}found`, full = `${tag}full`, out = `${tag}out`;
  return [
    b.spinLock('xa_alloc: xa_lock(&xa)', xaLock, XA_LOCK),
    b.compute('xa_alloc: from index 0', (c) => void id.set(c, 0)),
    b.label(search),
    b.jumpIf((c) => id.get(c) >= ias(c).P, full),
    b.load('xa_alloc: is index free?', v, (c) => ias(c).xa(id.get(c))),
    b.jumpIf((c) => v.get(c) === 0, found),
    b.compute('xa_alloc: next index', (c) => (id.set(c, id.get(c) + 1), search)),
    b.label(found),
    // the fresh ioasid_data (kzalloc'd by ioasid_alloc before xa_alloc): nobody reaches it before its entry is stored
    b.store('data->set = set', (c) => ias(c).owner(id.get(c)), (c) => set(c) + 1),
    b.store('refcount_set(&data->refs, 1)', (c) => ias(c).refs(id.get(c)), 1),
    b.step('xa_alloc: store the entry (rcu_assign_pointer)', (c) => {
      const f = ias(c);
      c.w.set(f.xa(id.get(c)), 1);
      c.w.set(f.freeDone(id.get(c)), 0); // ghost: a new life of this PASID value
    }),
    b.goto(out),
    b.label(full),
    b.compute('xa_alloc: -EBUSY, no free index', (c) => void id.set(c, -1)),
    b.label(out),
    b.spinUnlock('xa_alloc: xa_unlock(&xa)', xaLock, XA_LOCK),
  ];
}

/** xa_erase(&active_allocator->xa, id); `delivered`: every subscriber dropped the PASID before (the ghost). */
export function xaErase(b: Builder, p: (c: Ctx) => number, delivered: boolean): Item[] {
  return [
    b.spinLock('xa_erase: xa_lock(&xa)', xaLock, XA_LOCK),
    b.step('xa_erase(&active_allocator->xa, id)', (c) => {
      const f = ias(c);
      c.w.set(f.xa(p(c)), 0);
      if (delivered) c.w.set(f.freeDone(p(c)), 1); // ghost
    }),
    b.spinUnlock('xa_erase: xa_unlock(&xa)', xaLock, XA_LOCK),
  ];
}
