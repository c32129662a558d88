// Owns the state of the IOASID (PASID) allocator and what its operations share: the system capacity, the
// ioasid_sets with their quotas, each PASID's owner/state/refcount, the subscribers of the notifier chain
// (the IOMMU driver's PASID table, KVM's guest->host PASID translation), the per-thread atomic-context
// count, the allocator lock (spinlock or mutex, by variant) and the ghosts the invariants read.
import type { Index1, Index2 } from '../layout';
import type { Ctx, StepDef } from '../program';
import type { System } from '../system';
import { EINVAL } from '../errno';

/** pasid.state */
export const PASID_FREE = 0;
export const PASID_ACTIVE = 1;
export const PASID_FREE_PENDING = 2;

/** set.state */
export const SET_LIVE = 1;
/** ioasid_free_set(destroy) ran while find_sid references were held: destroyed at the last put */
export const SET_DYING = 2;
export const SET_DESTROYED = 3;

export interface IoasidSection {
  capacity: number;
  pasids: number;
  sets: { quota: number }[];
  guestPasids: number;
  subscribers: ('iommu' | 'kvm')[];
  atomic: number[];
}

export interface IoasidFields {
  /** false when the scenario has no `ioasid` section (then nothing below is laid out) */
  present: boolean;
  /** number of ioasid_sets (set 0 is the system set), PASID values, guest PASIDs per VM */
  S: number;
  P: number;
  G: number;
  capacity: number;
  iommuSubscribed: boolean;
  kvmSubscribed: boolean;
  /** ioasid_allocator_lock: owner thread + 1 */
  lock: number;
  /** IOASIDs allocated system-wide (capacity - ioasid_capacity_avail) */
  used: number;
  quota: Index1;
  /** set->nr_ioasids */
  count: Index1;
  setState: Index1;
  /** references on the set taken by ioasid_find_sid */
  setRefs: Index1;
  /** the set owning a PASID + 1 (0 = free) */
  owner: Index1;
  state: Index1;
  refs: Index1;
  /** IOMMU PASID-table entry of a PASID: the set it was bound for + 1 (0 = clear) */
  entry: Index1;
  /** KVM's PASID translation of VM set s: guest PASID g -> host PASID + 1 */
  g2h: Index2;
  /** FREE notification queued to the workqueue (free-notify-deferred): the set it is for + 1 */
  pending: Index1;
  /** the PASID + 1 this thread's last ioasid_alloc returned */
  threadPasid: Index1;
  /** the set + 1 whose reference this thread's last ioasid_find_sid took */
  threadSid: Index1;
  /** preempt count: > 0 in atomic context (an RCU callback, or holding a spinlock) */
  preempt: Index1;
  /** ghost: first thread + 1 that took a sleeping lock in atomic context */
  sleptInAtomic: number;
  /** ghost: the lock it took then (0 = the allocator mutex, 1 = the IOMMU driver's device-list mutex) */
  sleptOn: number;
  /** ghost: PASID released by the allocator and its FREE notification delivered (cleared on reallocation) */
  freeDone: Index1;
}

declare module '../system' {
  interface System {
    ias: IoasidFields;
  }
}

/** The scenario's `ioasid` section (already validated) with its defaults filled in. */
export function section(sys: System): IoasidSection | undefined {
  const o = sys.scenario.ioasid as Partial<IoasidSection> | undefined;
  if (!o) return undefined;
  const capacity = o.capacity!;
  return {
    capacity, pasids: o.pasids ?? capacity, sets: o.sets!, guestPasids: o.guestPasids ?? 1,
    subscribers: o.subscribers ?? ['iommu', 'kvm'], atomic: o.atomic ?? [],
  };
}

/** The value the thread's current operation returns. */
export function setRet(c: Ctx, v: number): void {
  c.w.set(c.sys.ret(c.t), v);
}

/** The PASID an op argument names: itself, or (-1) the one this thread's last ioasid_alloc returned; -1 if none. */
export function resolvePasid(c: Ctx, arg: number): number {
  return arg >= 0 ? arg : c.w.get(c.sys.ias.threadPasid(c.t)) - 1;
}

/** might_sleep(): taking a sleeping lock in atomic context is recorded for no-sleep-in-atomic. */
export function mightSleep(c: Ctx, what: number): void {
  const f = c.sys.ias;
  if (c.w.get(f.preempt(c.t)) > 0 && c.w.get(f.sleptInAtomic) === 0) {
    c.w.set(f.sleptInAtomic, c.t + 1);
    c.w.set(f.sleptOn, what);
  }
}

/** Take ioasid_allocator_lock: a spinlock raises the preempt count, a mutex may sleep. */
export function allocatorLock(sys: System): StepDef {
  const mutex = sys.variants.is('ioasid-mutex');
  return {
    label: mutex ? 'mutex_lock(ioasid_allocator_lock)' : 'spin_lock(ioasid_allocator_lock)',
    enabled: (c) => c.w.get(c.sys.ias.lock) === 0,
    run: (c) => {
      const f = c.sys.ias;
      if (mutex) mightSleep(c, 0);
      else c.w.add(f.preempt(c.t), 1);
      c.w.set(f.lock, c.t + 1);
    },
  };
}

export function allocatorUnlock(sys: System, next?: (c: Ctx) => number | void): StepDef {
  const mutex = sys.variants.is('ioasid-mutex');
  return {
    label: mutex ? 'mutex_unlock(ioasid_allocator_lock)' : 'spin_unlock(ioasid_allocator_lock)',
    run: (c) => {
      const f = c.sys.ias;
      if (!mutex) c.w.add(f.preempt(c.t), -1);
      c.w.set(f.lock, 0);
      return next ? next(c) : undefined;
    },
  };
}

/** Lowest PASID value the allocator considers free (xa_alloc), or -1. */
export function lowestFree(c: Ctx): number {
  const f = c.sys.ias;
  for (let p = 0; p < f.P; p++) if (c.w.get(f.state(p)) === PASID_FREE) return p;
  return -1;
}

/** Give PASID p to set s with one reference (the allocation's), counted against the set and the system. */
export function commitAlloc(c: Ctx, s: number, p: number): void {
  const f = c.sys.ias;
  c.w.set(f.owner(p), s + 1);
  c.w.set(f.state(p), PASID_ACTIVE);
  c.w.set(f.refs(p), 1);
  c.w.set(f.freeDone(p), 0);
  c.w.add(f.count(s), 1);
  c.w.add(f.used, 1);
  c.w.set(f.threadPasid(c.t), p + 1);
  setRet(c, p);
}

/** ioasid_do_free_locked: return p to the allocator; `delivered` says its FREE notification is complete. */
export function releasePasid(c: Ctx, p: number, delivered: boolean): void {
  const f = c.sys.ias;
  const s = c.w.get(f.owner(p)) - 1;
  c.w.set(f.owner(p), 0);
  c.w.set(f.state(p), PASID_FREE);
  c.w.set(f.refs(p), 0);
  if (s >= 0) c.w.add(f.count(s), -1);
  c.w.add(f.used, -1);
  if (delivered) c.w.set(f.freeDone(p), 1);
  if (s >= 0) destroyIfUnused(c, s);
}

/** A set whose destruction was asked for (DYING) goes once it holds no IOASID and no find_sid reference. */
export function destroyIfUnused(c: Ctx, s: number): void {
  const f = c.sys.ias;
  if (c.w.get(f.setState(s)) === SET_DYING && c.w.get(f.count(s)) === 0 && c.w.get(f.setRefs(s)) === 0)
    c.w.set(f.setState(s), SET_DESTROYED);
}

/** KVM drops every guest->host translation of set s that points at PASID p. */
export function kvmForget(c: Ctx, s: number, p: number): void {
  const f = c.sys.ias;
  if (s < 0) return;
  for (let g = 0; g < f.G; g++) if (c.w.get(f.g2h(s, g)) === p + 1) c.w.set(f.g2h(s, g), 0);
}

export function invalidPasid(c: Ctx, p: number): boolean {
  if (p >= 0 && p < c.sys.ias.P) return false;
  setRet(c, EINVAL);
  return true;
}
