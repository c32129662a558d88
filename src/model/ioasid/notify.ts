// Owns the FREE notification: ioasid_notify(FREE) down the atomic notifier chain, run by ioasid_free and
// ioasid_free_set under ioasid_allocator_lock -- the IOMMU driver's handler clears its PASID-table entry and
// puts the bind reference (ioasid_put_locked), KVM's drops its guest->host translations -- and, under the
// faulty free-notify-deferred, the work item that delivers FREE late, after the PASID was released. The
// variants of both policy slots (how FREE is delivered, whether the IOMMU handler sleeps) are defined here.
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import type { ActorDef, Ctx } from '../program';
import type { System } from '../system';
import { policyVariants } from '../api/define';
import { ias } from './state';

policyVariants([
  { name: 'free-notify-sync', slot: 'ioasid_free_notify', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_free calls the notifier chain and releases the PASID only after every subscriber dropped it' },
  { name: 'free-notify-deferred', slot: 'ioasid_free_notify', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_free queues the FREE notification to a workqueue and releases the PASID at once (no cyclic allocator), so it is reused while subscribers still map it' },
  { name: 'iommu-free-handler-atomic', slot: 'iommu_free_handler', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'the IOMMU driver\'s FREE handler clears the PASID entry without sleeping, as an atomic notifier must' },
  { name: 'iommu-free-handler-sleeps', slot: 'iommu_free_handler', subsystem: 'ioasid', faulty: true,
    description: 'the VT-d FREE handler takes its device-list mutex to clear the PASID entry, inside the atomic notifier chain' },
]);

export interface ChainRegs {
  readonly p: (c: Ctx) => number;
  readonly set: (c: Ctx) => number;
  /** a scratch local */
  readonly v: Local;
  /** set to 1 when a subscriber's put dropped the last reference */
  readonly last: Local;
}

/**
 * ioasid_notify(data, IOASID_NOTIFY_FREE) with the allocator lock held: each subscriber's handler in turn,
 * each access its own step. `tag` keeps the labels apart from the caller's.
 */
export function freeChain(b: Builder, sys: System, r: ChainRegs, tag: string): Item[] {
  const f = sys.ias, { p, set, v, last } = r;
  const sleeps = sys.variants.is('iommu-free-handler-sleeps'), bindRef = !sys.variants.is('bind-without-ref');
  const out: Item[] = [];
  if (f.iommuSubscribed) {
    const mutex = (c: Ctx) => ias(c).devListMutex;
    const done = `${tag}iommu_done`;
    if (sleeps) out.push(b.mutexLock('FREE -> iommu: mutex_lock(&dev_list_mutex)', mutex, 'dev_list_mutex'));
    out.push(
      b.load('FREE -> iommu: read PASID entry', v, (c) => ias(c).entry(p(c))),
      b.jumpIf((c) => v.get(c) === 0, done), // not bound: nothing to tear down
      b.store('FREE -> iommu: clear PASID entry', (c) => ias(c).entry(p(c)), 0),
    );
    if (bindRef)
      out.push(
        // ioasid_put_locked: its xa_load finds the PASID (FREE_PENDING, still stored: the caller holds the lock)
        b.load('FREE -> iommu: ioasid_put_locked: xa_load', v, (c) => ias(c).xa(p(c))),
        b.jumpIf((c) => v.get(c) === 0, done),
        b.atomicDec('FREE -> iommu: ioasid_put_locked: refcount_dec_and_test', (c) => ias(c).refs(p(c)), v),
        b.compute('last reference?', (c) => void (v.get(c) === 1 && last.set(c, 1))),
      );
    out.push(b.label(done));
    if (sleeps) out.push(b.mutexUnlock('FREE -> iommu: mutex_unlock(&dev_list_mutex)', mutex, 'dev_list_mutex'));
  }
  if (f.kvmSubscribed)
    for (let g = 0; g < f.G; g++) {
      const next = `${tag}kvm${g}`;
      out.push(
        b.load(`FREE -> kvm: read guest PASID ${g} translation`, v, (c) => ias(c).g2h(set(c), g)),
        b.jumpIf((c) => v.get(c) !== p(c) + 1, next),
        b.store(`FREE -> kvm: drop guest PASID ${g} translation`, (c) => ias(c).g2h(set(c), g), 0),
        b.label(next),
      );
    }
  return out;
}

// The worker of free-notify-deferred, a software actor split like a thread: one shared access per step, its
// place in the work item (and the set it read) in registers of its own. Steps, by its pc:
//   0 clear WORK_STRUCT_PENDING; 1 read the work's set; 2 read the PASID entry; 3 clear it;
//   4 + 2g read KVM's translation of guest PASID g; 5 + 2g drop it. The last access also ends the item.
const READ_SET = 1, READ_ENTRY = 2, CLEAR_ENTRY = 3, KVM = 4;

function kvmStart(c: Ctx): number {
  const f = ias(c);
  return f.kvmSubscribed ? KVM : end(c);
}

function end(c: Ctx): number {
  const f = ias(c);
  return KVM + (f.kvmSubscribed ? 2 * f.G : 0);
}

function workerStep(c: Ctx, p: number): void {
  const f = ias(c), pc = c.w.get(f.workPc(p)), s = c.w.get(f.workReg(p)) - 1;
  let next: number;
  if (pc === 0) {
    c.w.set(f.pending(p), 0);
    next = READ_SET;
  } else if (pc === READ_SET) {
    c.w.set(f.workReg(p), c.w.get(f.workSet(p)));
    next = f.iommuSubscribed ? READ_ENTRY : kvmStart(c);
  } else if (pc === READ_ENTRY) {
    next = c.w.get(f.entry(p)) === s + 1 ? CLEAR_ENTRY : kvmStart(c);
  } else if (pc === CLEAR_ENTRY) {
    c.w.set(f.entry(p), 0);
    next = kvmStart(c);
  } else {
    const k = pc - KVM, g = k >> 1;
    if ((k & 1) === 0) next = c.w.get(f.g2h(s, g)) === p + 1 ? pc + 1 : pc + 2;
    else {
      c.w.set(f.g2h(s, g), 0);
      next = pc + 1;
    }
  }
  if (next >= end(c)) {
    next = 0;
    if (c.w.peek(f.xa(p)) === 0) c.w.set(f.freeDone(p), 1); // ghost: FREE delivered, the PASID still released
  }
  c.w.set(f.workPc(p), next);
}

const PHASES = ['clear WORK_STRUCT_PENDING', 'read the work\'s set', 'FREE -> iommu: read PASID entry', 'FREE -> iommu: clear PASID entry'];

/** The workqueue of free-notify-deferred: runs each queued FREE work item, after the PASID was released. */
export const deferredNotifyWorker: ActorDef = {
  name: 'ioasid-notify-work',
  choices(c, out) {
    const f = ias(c);
    for (let p = 0; p < f.P; p++) if (c.w.get(f.pending(p)) !== 0 || c.w.get(f.workPc(p)) !== 0) out.push(p);
  },
  run: workerStep,
  describe(sys, p, before) {
    const pc = before[sys.ias.workPc(p)], s = before[sys.ias.workReg(p)] - 1;
    if (pc < KVM) return `FREE work of PASID ${p}: ${PHASES[pc]}`;
    const g = (pc - KVM) >> 1;
    return `FREE work of PASID ${p}: FREE -> kvm: ${(pc - KVM) & 1 ? 'drop' : 'read'} set ${s}'s translation of guest PASID ${g}`;
  },
};
