// Owns giving a PASID back to the allocator, ioasid_do_free_locked, as the steps every path that drops the
// last reference runs under ioasid_allocator_lock: erase it from the allocator's xarray, return it to the
// system capacity, drop the set's nr_ioasids, and destroy a set marked free_pending (DYING) once it holds no
// IOASID and no ioasid_find_sid reference.
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import type { Ctx } from '../program';
import { SET_DESTROYED, SET_DYING, ias } from './state';
import { xaErase } from './xarray';

export interface ReleaseRegs {
  /** the PASID and its set */
  readonly p: (c: Ctx) => number;
  readonly set: (c: Ctx) => number;
  /** a scratch local */
  readonly v: Local;
}

/**
 * ioasid_do_free_locked(data), the caller holding the allocator lock; `delivered`: every subscriber dropped
 * the PASID before (the ghost no-stale-pasid-entry reads). `tag` keeps its labels apart from the caller's.
 */
export function doFreeLocked(b: Builder, r: ReleaseRegs, tag: string, delivered: boolean): Item[] {
  const { p, set, v } = r;
  const done = `${tag}released`;
  return [
    ...xaErase(b, p, delivered),
    b.load('read ioasid_capacity_avail', v, (c) => ias(c).used),
    b.store('ioasid_capacity_avail++', (c) => ias(c).used, (c) => v.get(c) - 1),
    b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
    b.store('set->nr_ioasids--', (c) => ias(c).count(set(c)), (c) => v.get(c) - 1),
    b.jumpIf((c) => v.get(c) !== 1, done), // the set still holds IOASIDs
    ...destroyIfUnused(b, set, v, done, false),
    b.label(done),
  ];
}

/**
 * __ioasid_set_destroy when the set is free_pending and holds nothing: reads the set's state (unless the
 * caller just marked it DYING, `known`), its find_sid references, and erases it.
 */
export function destroyIfUnused(b: Builder, set: (c: Ctx) => number, v: Local, done: string, known: boolean): Item[] {
  return [
    ...(known
      ? []
      : [b.load('read set->free_pending', v, (c) => ias(c).setState(set(c))), b.jumpIf((c) => v.get(c) !== SET_DYING, done)]),
    b.load('refcount_read(&set->refs)', v, (c) => ias(c).setRefs(set(c))),
    b.jumpIf((c) => v.get(c) !== 0, done),
    b.store('__ioasid_set_destroy: xa_erase(&ioasid_sets, set->id)', (c) => ias(c).setState(set(c)), SET_DESTROYED),
  ];
}
