// Owns the IOASID (PASID) allocator subsystem: its scenario section `ioasid` (capacity, sets with quotas,
// notifier subscribers, atomic-context threads) with validation, its layout and starting values, its
// variants, and the deferred-notification workqueue actor. The operations live in ioasid-alloc.ts,
// ioasid-free.ts and ioasid-bind.ts; the shared state and helpers in ioasid-core.ts.
import type { LayoutBuilder } from '../layout';
import { defineSubsystem, type System } from '../system';
import { defineVariants } from '../variants';
import type { ScenarioSpec } from '../scenario';
import { SET_LIVE, section, type IoasidFields } from './ioasid-core';
import { deferredNotifyWorker } from './ioasid-free';
import './ioasid-alloc';
import './ioasid-bind';
import { fail, int } from '../validate';

const KEYS = ['capacity', 'pasids', 'sets', 'guestPasids', 'subscribers', 'atomic'];
const SUBSCRIBERS = ['iommu', 'kvm'];

/** Checks the `ioasid` section (defaults are filled in when it is read, by section()). */
export function validateIoasid(raw: unknown, sc: ScenarioSpec): void {
  const at = `${sc.name}.ioasid`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at, 'expected an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`${at}.${k}`, `unknown field (known: ${KEYS.join(', ')})`);
  const capacity = int(o.capacity, `${at}.capacity`, 1, 8);
  int(o.pasids ?? capacity, `${at}.pasids`, capacity, 8);
  if (!Array.isArray(o.sets) || o.sets.length < 1 || o.sets.length > 4) fail(`${at}.sets`, 'expected a list of 1..4 sets (set 0 is the system set)');
  o.sets.forEach((s, i) => {
    const so = (s ?? {}) as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) fail(`${at}.sets[${i}]`, 'expected {"quota": n}');
    for (const k of Object.keys(so)) if (k !== 'quota') fail(`${at}.sets[${i}].${k}`, 'unknown field (known: quota)');
    int(so.quota, `${at}.sets[${i}].quota`, 0, capacity);
  });
  int(o.guestPasids ?? 1, `${at}.guestPasids`, 1, 4);
  const subs = o.subscribers ?? SUBSCRIBERS;
  if (!Array.isArray(subs)) fail(`${at}.subscribers`, `expected a list of ${SUBSCRIBERS.join(', ')}`);
  subs.forEach((v, i) => {
    if (!SUBSCRIBERS.includes(v as string)) fail(`${at}.subscribers[${i}]`, `expected one of ${SUBSCRIBERS.join(', ')}, got ${JSON.stringify(v)}`);
    if (subs.indexOf(v) !== i) fail(`${at}.subscribers[${i}]`, `${v} is listed twice`);
  });
  const atomic = o.atomic ?? [];
  if (!Array.isArray(atomic)) fail(`${at}.atomic`, 'expected a list of thread indices');
  const threads = Array.isArray(sc.threads) ? sc.threads.length : 0;
  atomic.forEach((v, i) => int(v, `${at}.atomic[${i}]`, 0, threads - 1));
}

defineSubsystem({
  name: 'ioasid',
  section: 'ioasid',
  validate: validateIoasid,
  declare(b: LayoutBuilder, sys: System) {
    const sec = section(sys);
    const T = sec ? sys.threads : 0, S = sec ? sec.sets.length : 0, P = sec ? sec.pasids : 0, G = sec ? sec.guestPasids : 0;
    const set = (s: number) => `ioasid_set[${s}]`;
    const pasid = (p: number) => `ioasid[${p}]`;
    const th = (t: number) => `thread[${t}]`;
    const f: IoasidFields = {
      present: !!sec, S, P, G,
      capacity: sec?.capacity ?? 0,
      iommuSubscribed: !!sec?.subscribers.includes('iommu'),
      kvmSubscribed: !!sec?.subscribers.includes('kvm'),
      lock: -1, used: -1, sleptInAtomic: -1, sleptOn: -1,
      quota: b.array('set.quota', S, set),
      count: b.array('set.nr_ioasids', S, set),
      setState: b.array('set.state', S, set),
      setRefs: b.array('set.refs', S, set),
      owner: b.array('pasid.set', P, pasid),
      state: b.array('pasid.state', P, pasid),
      refs: b.array('pasid.refs', P, pasid),
      entry: b.array('iommu.pasid_entry', P, (p) => `iommu.pasid_table[${p}]`),
      g2h: b.matrix('kvm.pasid_xlate', S, G, (s) => `kvm.vm[${s}].pasid_xlate`),
      pending: b.array('notify.pending', P, (p) => `ioasid_notify_work[${p}]`),
      threadPasid: b.array('thread.pasid', T, th),
      threadSid: b.array('thread.sid', T, th),
      preempt: b.array('thread.preempt', T, th),
      freeDone: b.array('ghost.free_done', P, pasid),
    };
    if (sec) {
      f.lock = b.scalar('ioasid_allocator_lock');
      f.used = b.scalar('ioasid.used', 'ioasid.capacity');
      f.sleptInAtomic = b.scalar('ghost.sleep_in_atomic');
      f.sleptOn = b.scalar('ghost.sleep_on', 'ghost.sleep_in_atomic');
    }
    sys.ias = f;
  },
  actors: (sys) => (sys.ias.present && sys.variants.is('free-notify-deferred') ? [deferredNotifyWorker] : []),
  initial(a, sys) {
    const sec = section(sys);
    if (!sec) return;
    const f = sys.ias;
    sec.sets.forEach((s, i) => {
      a[f.quota(i)] = s.quota;
      a[f.setState(i)] = SET_LIVE;
    });
    for (const t of sec.atomic) a[f.preempt(t)] = 1;
  },
});

defineVariants([
  { name: 'ioasid-spinlock', slot: 'ioasid_lock', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_allocator_lock is a spinlock and the notifier chain atomic, so ioasid_free may be called from an RCU callback' },
  { name: 'ioasid-mutex', slot: 'ioasid_lock', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_allocator_lock becomes a mutex (IOASID extensions patch 7/10), so ioasid_free from the SVA mmu_notifier RCU callback sleeps in atomic context' },
  { name: 'alloc-check-and-bump-locked', slot: 'ioasid_alloc', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_alloc checks the set quota and the system capacity and bumps both counters in one critical section' },
  { name: 'alloc-check-then-bump', slot: 'ioasid_alloc', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_alloc checks quota and capacity, drops the lock, and bumps the counters in a second critical section (check-then-act)' },
  { name: 'adjust-checks-count', slot: 'ioasid_adjust_set', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_adjust_set refuses (-EBUSY) a quota below the number of IOASIDs the set already holds' },
  { name: 'adjust-ignores-count', slot: 'ioasid_adjust_set', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_adjust_set writes the new quota without comparing it to set->nr_ioasids' },
  { name: 'bind-takes-ref', slot: 'ioasid_bind', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'binding a PASID to a device takes an IOASID reference (ioasid_get), so ioasid_free of a bound PASID sends FREE' },
  { name: 'bind-without-ref', slot: 'ioasid_bind', subsystem: 'ioasid', faulty: true,
    description: 'bind takes no IOASID reference, so ioasid_free sees refs == 1, skips the FREE notification and frees a PASID still in the IOMMU PASID table' },
  { name: 'free-notify-sync', slot: 'ioasid_free_notify', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_free calls the notifier chain and releases the PASID only after every subscriber dropped it' },
  { name: 'free-notify-deferred', slot: 'ioasid_free_notify', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_free queues the FREE notification to a workqueue and releases the PASID at once (no cyclic allocator), so it is reused while subscribers still map it' },
  { name: 'free-notifies-bound', slot: 'ioasid_free_bound', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_free of a bound PASID marks it FREE_PENDING and lets the FREE notification unbind it' },
  { name: 'free-refuses-bound', slot: 'ioasid_free_bound', subsystem: 'ioasid', faulty: false,
    description: 'ioasid_free fails with -EBUSY while the PASID is bound (VFIO guarantees unbind before free, Yi Liu\'s proposal)' },
  { name: 'iommu-free-handler-atomic', slot: 'iommu_free_handler', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'the IOMMU driver\'s FREE handler clears the PASID entry without sleeping, as an atomic notifier must' },
  { name: 'iommu-free-handler-sleeps', slot: 'iommu_free_handler', subsystem: 'ioasid', faulty: true,
    description: 'the VT-d FREE handler takes its device-list mutex to clear the PASID entry, inside the atomic notifier chain' },
]);
