// Owns freeing IOASIDs: ioasid_free and ioasid_free_set (mark FREE_PENDING, drop the allocation's
// reference, deliver FREE along the notifier chain -- the IOMMU driver clears its PASID-table entry and
// drops the bind reference, KVM drops its guest->host translation -- then release at the last reference),
// and the workqueue actor that delivers FREE late under the free-notify-deferred variant.
import type { ActorDef, Ctx, StepDef } from '../program';
import type { System } from '../system';
import { defineOp } from '../ops';
import { EACCES, EBUSY, EINVAL, ENOENT } from '../errno';
import {
  PASID_ACTIVE, PASID_FREE, PASID_FREE_PENDING, SET_DYING, SET_LIVE, destroyIfUnused, allocatorLock, allocatorUnlock, invalidPasid, kvmForget,
  mightSleep, releasePasid, resolvePasid, setRet,
} from './ioasid-core';
import { pasidParam, setParam } from './ioasid-alloc';

const pOf = (c: Ctx) => c.w.get(c.sys.local(c.t, 0)) - 1;

/**
 * ioasid_free_locked after its checks: FREE_PENDING, drop the allocation's reference. Returns true when
 * a FREE notification must now go down the chain (other references remain), false when it is over.
 */
function beginFree(c: Ctx, p: number, deferred: boolean): boolean {
  const f = c.sys.ias;
  c.w.set(c.sys.local(c.t, 0), p + 1);
  if (c.w.get(f.threadPasid(c.t)) === p + 1) c.w.set(f.threadPasid(c.t), 0);
  c.w.set(f.state(p), PASID_FREE_PENDING);
  if (deferred) {
    c.w.set(f.pending(p), c.w.get(f.owner(p)));
    releasePasid(c, p, false);
    return false;
  }
  if (c.w.add(f.refs(p), -1) > 0) return true;
  releasePasid(c, p, true); // no other user: nobody to notify
  return false;
}

/** The FREE notification chain for the PASID in local 0, then release at the last reference; then go to next. */
function freeChain(sys: System, next: (c: Ctx) => number | void): StepDef[] {
  const f = sys.ias, sleeps = sys.variants.is('iommu-free-handler-sleeps'), bindRef = !sys.variants.is('bind-without-ref');
  const steps: StepDef[] = [];
  if (f.iommuSubscribed)
    steps.push({
      label: sleeps ? 'notify FREE -> iommu: lock device list mutex, clear PASID entry, put' : 'notify FREE -> iommu: clear PASID entry, put',
      run: (c) => {
        const p = pOf(c);
        if (sleeps) mightSleep(c, 1);
        if (c.w.get(c.sys.ias.entry(p)) === 0) return;
        c.w.set(c.sys.ias.entry(p), 0);
        if (bindRef) c.w.add(c.sys.ias.refs(p), -1);
      },
    });
  if (f.kvmSubscribed)
    steps.push({
      label: 'notify FREE -> kvm: drop guest PASID translation',
      run: (c) => {
        const p = pOf(c);
        kvmForget(c, c.w.get(c.sys.ias.owner(p)) - 1, p);
      },
    });
  steps.push({
    label: 'release if last reference',
    run: (c) => {
      const p = pOf(c);
      if (c.w.get(c.sys.ias.refs(p)) === 0) releasePasid(c, p, true);
      return next(c);
    },
  });
  return steps;
}

defineOp({
  name: 'ioasid_free', subsystem: 'ioasid',
  description: 'free a PASID of a set (-1: this thread\'s); FREE goes to the subscribers; -ENOENT if free, -EACCES if another set\'s',
  params: [setParam, pasidParam],
  build: (sys) => {
    const deferred = sys.variants.is('free-notify-deferred'), refuseBound = sys.variants.is('free-refuses-bound');
    const chain = freeChain(sys, () => undefined);
    const unlockAt = 2 + chain.length;
    return [
      allocatorLock(sys),
      {
        label: deferred ? 'mark FREE_PENDING, queue FREE to workqueue, release' : 'mark FREE_PENDING, drop reference',
        run: (c) => {
          const f = c.sys.ias, s = c.args[0], p = resolvePasid(c, c.args[1]);
          if (invalidPasid(c, p)) return unlockAt;
          const st = c.w.get(f.state(p));
          if (st === PASID_FREE) setRet(c, ENOENT);
          else if (c.w.get(f.owner(p)) !== s + 1) setRet(c, EACCES);
          else if (st === PASID_FREE_PENDING) setRet(c, 0); // a free is already in progress
          else if (refuseBound && c.w.get(f.entry(p)) !== 0) setRet(c, EBUSY);
          else {
            setRet(c, 0);
            if (beginFree(c, p, deferred)) return;
          }
          return unlockAt;
        },
      },
      ...chain,
      allocatorUnlock(sys),
    ];
  },
});

defineOp({
  name: 'ioasid_free_set', subsystem: 'ioasid',
  description: 'free every PASID of a set (each with its FREE notification); destroy=1 also destroys the set once unreferenced',
  params: [setParam, { name: 'destroy', kind: 'flag', max: () => 1 }],
  build: (sys) => {
    const deferred = sys.variants.is('free-notify-deferred'), refuseBound = sys.variants.is('free-refuses-bound');
    const chain = freeChain(sys, () => 1);
    const finishAt = 2 + chain.length;
    return [
      allocatorLock(sys),
      {
        label: 'free next IOASID of the set',
        run: (c) => {
          const f = c.sys.ias, s = c.args[0];
          if (c.w.get(f.setState(s)) !== SET_LIVE) {
            setRet(c, EINVAL);
            return finishAt + 1;
          }
          for (let p = 0; p < f.P; p++) {
            if (c.w.get(f.owner(p)) !== s + 1 || c.w.get(f.state(p)) !== PASID_ACTIVE) continue;
            if (refuseBound && c.w.get(f.entry(p)) !== 0) continue;
            if (beginFree(c, p, deferred)) return;
          }
          c.w.set(c.sys.local(c.t, 0), 0);
          return finishAt;
        },
      },
      ...chain,
      {
        label: 'destroy set if asked',
        run: (c) => {
          const f = c.sys.ias, s = c.args[0];
          let busy = false;
          for (let p = 0; p < f.P; p++) if (c.w.get(f.owner(p)) === s + 1) busy = true;
          if (refuseBound && busy) return setRet(c, EBUSY);
          setRet(c, 0);
          if (c.args[1] === 1) c.w.set(f.setState(s), SET_DYING), destroyIfUnused(c, s);
        },
      },
      allocatorUnlock(sys),
    ];
  },
});


/** The workqueue of free-notify-deferred: delivers a queued FREE to the subscribers, after the release. */
export const deferredNotifyWorker: ActorDef = {
  name: 'ioasid-notify-work',
  choices(c, out) {
    const f = c.sys.ias;
    for (let p = 0; p < f.P; p++) if (c.w.get(f.pending(p)) !== 0) out.push(p);
  },
  run(c, p) {
    const f = c.sys.ias, s = c.w.get(f.pending(p)) - 1;
    if (f.iommuSubscribed && c.w.get(f.entry(p)) === s + 1) c.w.set(f.entry(p), 0);
    if (f.kvmSubscribed) kvmForget(c, s, p);
    c.w.set(f.pending(p), 0);
    if (c.w.get(f.state(p)) === PASID_FREE) c.w.set(f.freeDone(p), 1);
  },
  describe: (sys, p, before) => `deliver queued FREE of PASID ${p} (set ${before[sys.ias.pending(p)] - 1}) to the subscribers`,
};
