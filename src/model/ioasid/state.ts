// Owns the state of the IOASID (PASID) allocator and of its notifier subscribers, with each field's access
// class: ioasid_allocator_lock, the system capacity counter, the ioasid_sets (quota, nr_ioasids, state, the
// references ioasid_find_sid takes), the allocator's xarray of PASIDs and each ioasid_data (set, state,
// refcount), the IOMMU driver's PASID table and device-list mutex, KVM's guest->host PASID translation,
// the deferred FREE work items and their worker's registers, each thread's kept PASID and set, and the
// ghost the invariants read. The subsystem (its layout and starting values) is defined here.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import type { System } from '../system';
import { section } from './section';
import { boolPrinter, codePrinter, countPrinter, idPrinter, lockPrinter } from '../printers';

/** ioasid_data.state (meaningful while the xarray holds the PASID) */
export const PASID_FREE = 0;
export const PASID_ACTIVE = 1;
export const PASID_FREE_PENDING = 2;

/** set.state */
export const SET_LIVE = 1;
/** ioasid_free_set(destroy) ran while the set still held IOASIDs or find_sid references (set->free_pending) */
export const SET_DYING = 2;
export const SET_DESTROYED = 3;

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
  /** ioasid_allocator_lock (a spinlock, or a mutex under ioasid-mutex): the lock word */
  lock: number;
  /** the VT-d driver's device-list mutex (taken by its FREE handler under iommu-free-handler-sleeps) */
  devListMutex: number;
  /** IOASIDs allocated system-wide (capacity - ioasid_capacity_avail): a plain int under the allocator lock */
  used: number;
  /** set->quota (plain, under the allocator lock) */
  quota: Index1;
  /** set->nr_ioasids (plain int, under the allocator lock) */
  count: Index1;
  /** LIVE / DYING (set->free_pending) / DESTROYED (erased from ioasid_sets) */
  setState: Index1;
  /** references on the set taken by ioasid_find_sid (refcount_t) */
  setRefs: Index1;
  /** the allocator's xarray: 1 while an ioasid_data is stored at PASID p (rcu_assign_pointer / xa_load) */
  xa: Index1;
  /** the xarray's own spinlock (xa_lock), taken inside xa_alloc and xa_erase */
  xaLock: number;
  /** ioasid_data->set + 1 of PASID p (plain; stale once the PASID is erased, as a freed object's field is) */
  owner: Index1;
  /** ioasid_data->state of PASID p (plain) */
  state: Index1;
  /** ioasid_data->refs of PASID p (refcount_t) */
  refs: Index1;
  /** IOMMU PASID-table entry of a PASID: the set it was bound for + 1 (0 = clear); written with WRITE_ONCE, walked by the IOMMU */
  entry: Index1;
  /** KVM's PASID translation of VM set s: guest PASID g -> host PASID + 1 (a table the CPU walks: WRITE_ONCE) */
  g2h: Index2;
  /** free-notify-deferred: the FREE work item of PASID p, its argument (the set + 1) */
  workSet: Index1;
  /** free-notify-deferred: WORK_STRUCT_PENDING of that work item */
  pending: Index1;
  /** the worker's registers while it runs the work item of PASID p: where it is in it, and the set it read */
  workPc: Index1;
  workReg: Index1;
  /** the PASID + 1 this thread's last ioasid_alloc returned (a register of the thread) */
  threadPasid: Index1;
  /** the set + 1 whose reference this thread's last ioasid_find_sid took (a register of the thread) */
  threadSid: Index1;
  /** ghost: PASID released by the allocator and its FREE notification delivered (cleared on reallocation) */
  freeDone: Index1;
}

declare module '../system' {
  interface System {
    ias: IoasidFields;
  }
}

const PASID_STATE_NAMES = ['-', 'ACTIVE', 'FREE_PENDING'];
const SET_STATE_NAMES = ['-', 'LIVE', 'DYING', 'DESTROYED'];

export const ioasidState = {
  declare(b: LayoutBuilder, sys: System): void {
    const sec = section(sys);
    const T = sec ? sys.threads : 0, S = sec ? sec.sets.length : 0, P = sec ? sec.pasids : 0, G = sec ? sec.guestPasids : 0;
    const set = (s: number) => `ioasid_set[${s}]`;
    const pasid = (p: number) => `ioasid[${p}]`;
    const work = (p: number) => `ioasid_notify_work[${p}]`;
    const th = (t: number) => `thread[${t}]`;
    const f: IoasidFields = {
      present: !!sec, S, P, G,
      capacity: sec?.capacity ?? 0,
      iommuSubscribed: !!sec?.subscribers.includes('iommu'),
      kvmSubscribed: !!sec?.subscribers.includes('kvm'),
      lock: -1, xaLock: -1, devListMutex: -1, used: -1,
      quota: b.array('set.quota', S, set),
      count: b.array('set.nr_ioasids', S, set),
      setState: b.array('set.state', S, set),
      setRefs: b.array('set.refs', S, set),
      xa: b.array('ioasid.xa', P, (p) => `ioasid_xa[${p}]`),
      owner: b.array('pasid.set', P, pasid),
      state: b.array('pasid.state', P, pasid),
      refs: b.array('pasid.refs', P, pasid),
      entry: b.array('iommu.pasid_entry', P, (p) => `iommu.pasid_table[${p}]`),
      g2h: b.matrix('kvm.pasid_xlate', S, G, (s) => `kvm.vm[${s}].pasid_xlate`),
      workSet: b.array('notify.work_set', P, work),
      pending: b.array('notify.pending', P, work),
      workPc: b.array('notify.worker_pc', P, work),
      workReg: b.array('notify.worker_set', P, work),
      threadPasid: b.array('thread.pasid', T, th),
      threadSid: b.array('thread.sid', T, th),
      freeDone: b.array('ghost.free_done', P, pasid),
    };
    if (sec) {
      f.lock = b.scalar('ioasid_allocator_lock');
      f.xaLock = b.scalar('ioasid.xa_lock');
      f.devListMutex = b.scalar('iommu.dev_list_mutex');
      f.used = b.scalar('ioasid.used', 'ioasid.capacity');
    }
    b.access('ioasid_allocator_lock', 'lock');
    b.access('ioasid.xa_lock', 'lock');
    b.access('iommu.dev_list_mutex', 'lock');
    for (const atomic of ['set.refs', 'ioasid.xa', 'pasid.refs', 'iommu.pasid_entry', 'kvm.pasid_xlate', 'notify.pending'])
      b.access(atomic, 'atomic');
    for (const local of ['thread.pasid', 'thread.sid', 'notify.worker_pc', 'notify.worker_set'])
      b.access(local, 'local');
    b.format('pasid.state', (v) => PASID_STATE_NAMES[v] ?? String(v));
    b.format('set.state', (v) => SET_STATE_NAMES[v] ?? String(v));
    for (const count of ['set.quota', 'set.nr_ioasids', 'set.refs', 'pasid.refs', 'ioasid.used', 'notify.worker_pc'])
      b.print(count, countPrinter);
    for (const lock of ['ioasid_allocator_lock', 'ioasid.xa_lock', 'iommu.dev_list_mutex']) b.print(lock, lockPrinter);
    for (const setId of ['pasid.set', 'iommu.pasid_entry', 'notify.work_set', 'notify.worker_set', 'thread.sid'])
      b.print(setId, idPrinter('set'));
    b.print('ioasid.xa', codePrinter((v) => (v === 0 ? 'empty' : 'stored')));
    b.print('kvm.pasid_xlate', idPrinter('pasid'));
    b.print('thread.pasid', idPrinter('pasid'));
    b.print('notify.pending', boolPrinter);
    b.print('ghost.free_done', boolPrinter);
    sys.ias = f;
  },
  initial(a: Int32Array, sys: System): void {
    const sec = section(sys);
    if (!sec) return;
    const f = sys.ias;
    sec.sets.forEach((s, i) => {
      a[f.quota(i)] = s.quota;
      a[f.setState(i)] = SET_LIVE;
    });
    // a thread in atomic context (an RCU callback) runs with a raised preempt count (validation bounds the
    // indices; a generated scenario with fewer threads than its template's section names none past its last)
    for (const t of sec.atomic) if (t < sys.threads) a[sys.preempt(t)] = 1;
  },
};

/** The IOASID fields of the step's system. */
export const ias = (c: Ctx): IoasidFields => c.sys.ias;

/** The PASID an op argument names: itself, or (-1) the one this thread's last ioasid_alloc returned; -1 if none (a register read). */
export function resolvePasid(c: Ctx, arg: number): number {
  return arg >= 0 ? arg : c.w.get(c.sys.ias.threadPasid(c.t)) - 1;
}

/** Whether PASID p is held by set s (the xarray holds it and its ioasid_data names s), for the invariants. */
export function heldBy(s: Int32Array, f: IoasidFields, p: number, set: number): boolean {
  return s[f.xa(p)] !== 0 && s[f.owner(p)] === set + 1;
}
