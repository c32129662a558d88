import { lockAndLookUp } from './lookup';
// Owns freeing IOASIDs (ioasid_free_locked, drivers/iommu/ioasid.c): ioasid_free checks the PASID is its
// set's and not already being freed, marks it FREE_PENDING, drops the allocation's reference and, if others
// remain, sends FREE down the notifier chain, releasing the PASID when the last reference goes; and
// ioasid_free_set, the same for each PASID of a set, then (destroy) marks the set free_pending. The variants
// of the ioasid_free_bound policy (free a bound PASID through FREE, or refuse it) are defined here.
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { operation } from '../api/define';
import { EACCES, EBUSY, EINVAL, ENOENT } from '../errno';
import type { Ctx } from '../program';
import type { System } from '../system';
import { policyVariants } from '../api/define';
import { allocatorLock, allocatorUnlock } from './lock';
import { pasidParam, setParam } from './alloc';
import { freeChain } from './notify';
import { destroyIfUnused, doFreeLocked } from './release';
import { PASID_ACTIVE, PASID_FREE_PENDING, SET_DYING, SET_LIVE, ias } from './state';

policyVariants([
  { name: 'free-notifies-bound', slot: 'ioasid_free_bound', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_free of a bound PASID marks it FREE_PENDING and lets the FREE notification unbind it' },
  { name: 'free-refuses-bound', slot: 'ioasid_free_bound', subsystem: 'ioasid', faulty: false,
    description: 'ioasid_free fails with -EBUSY while the PASID is bound (VFIO guarantees unbind before free, Yi Liu\'s proposal)' },
]);

interface FreeRegs {
  readonly p: (c: Ctx) => number;
  readonly set: (c: Ctx) => number;
  readonly v: Local;
  readonly last: Local;
}

/**
 * The body of ioasid_free_locked once its checks passed: FREE_PENDING, then either (free-notify-deferred)
 * queue FREE to the workqueue and release at once, or drop the allocation's reference, notify FREE if other
 * references remain, and release at the last one. Ends at label `out`; `held` (if given) is set to 1 when the
 * PASID stays allocated (a reference remains). `tag` keeps the labels apart.
 */
function freeLockedBody(b: Builder, sys: System, r: FreeRegs, tag: string, out: string, held?: Local): Item[] {
  const { p, set, v, last } = r;
  const release = `${tag}release`;
  const markFree = b.store('data->state = IOASID_STATE_FREE_PENDING', (c) => ias(c).state(p(c)), PASID_FREE_PENDING);
  if (sys.variants.is('free-notify-deferred'))
    return [
      markFree,
      b.store('INIT_WORK: the FREE work item carries the set', (c) => ias(c).workSet(p(c)), (c) => set(c) + 1),
      b.store('queue_work: set WORK_STRUCT_PENDING', (c) => ias(c).pending(p(c)), 1),
      ...doFreeLocked(b, { p, set, v }, tag, false),
      b.goto(out),
    ];
  return [
    markFree,
    b.atomicDec('refcount_dec_and_test(&data->refs)', (c) => ias(c).refs(p(c)), v),
    b.jumpIf((c) => v.get(c) === 1, release), // no other user of the IOASID: nobody to notify
    b.compute('no subscriber put the last reference yet', (c) => void last.set(c, 0)),
    ...freeChain(b, sys, { p, set, v, last }, tag),
    b.jumpIf((c) => last.get(c) === 1, release),
    ...(held ? [b.compute('a reference remains: the PASID stays allocated', (c) => void held.set(c, 1))] : []),
    b.goto(out),
    b.label(release),
    ...doFreeLocked(b, { p, set, v }, tag, true),
    b.goto(out),
  ];
}

operation({
  name: 'ioasid_free', subsystem: 'ioasid',
  description: 'free a PASID of a set (-1: this thread\'s); FREE goes to the subscribers; -ENOENT if free, -EACCES if another set\'s',
  params: [setParam, pasidParam],
  steps: (b, sys) => {
    const set = b.arg('set'), arg = b.arg('pasid');
    const p = b.local('pasid'), v = b.local('val'), last = b.local('last');
    const pid = (c: Ctx) => p.get(c);
    return [
      ...lockAndLookUp(b, sys, arg, p, v),
      b.load('read data->set', v, (c) => ias(c).owner(p.get(c))),
      b.jumpIf((c) => v.get(c) !== set(c) + 1, 'eacces'), // cannot free IOASID due to set ownership
      b.load('read data->state', v, (c) => ias(c).state(p.get(c))),
      b.ret(0),
      b.jumpIf((c) => v.get(c) === PASID_FREE_PENDING, 'unlock'), // free is already in progress
      ...(sys.variants.is('free-refuses-bound')
        ? [b.load('read PASID entry (bound?)', v, (c) => ias(c).entry(p.get(c))), b.jumpIf((c) => v.get(c) !== 0, 'ebusy')]
        : []),
      b.compute('the PASID is freed: forget it for pasid=-1', (c) => {
        if (c.w.get(ias(c).threadPasid(c.t)) === p.get(c) + 1) c.w.set(ias(c).threadPasid(c.t), 0);
      }),
      ...freeLockedBody(b, sys, { p: pid, set, v, last }, 'free_', 'unlock'),
      ...b.errorReturns([['ebusy', EBUSY], ['eacces', EACCES], ['enoent', ENOENT], ['einval', EINVAL]], 'unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});

operation({
  name: 'ioasid_free_set', subsystem: 'ioasid',
  description: 'free every PASID of a set (each with its FREE notification); destroy=1 also destroys the set once unreferenced',
  params: [setParam, { name: 'destroy', kind: 'flag', max: () => 1 }],
  steps: (b, sys) => {
    const set = b.arg('set'), destroy = b.arg('destroy');
    const p = b.local('pasid'), v = b.local('val'), last = b.local('last'), held = b.local('held');
    const refuseBound = sys.variants.is('free-refuses-bound');
    const pid = (c: Ctx) => p.get(c);
    return [
      allocatorLock(b, sys),
      b.load('xa_load(&ioasid_sets, sid)', v, (c) => ias(c).setState(set(c))),
      b.jumpIf((c) => v.get(c) !== SET_LIVE, 'einval'),
      // xa_for_each(&set->xa, index, entry): ioasid_free_locked(set, index)
      b.label('each'),
      b.jumpIf((c) => p.get(c) >= ias(c).P, 'after'),
      b.load('xa_load(&active_allocator->xa, index)', v, (c) => ias(c).xa(p.get(c))),
      b.jumpIf((c) => v.get(c) === 0, 'next'),
      b.load('read data->set', v, (c) => ias(c).owner(p.get(c))),
      b.jumpIf((c) => v.get(c) !== set(c) + 1, 'next'), // another set's
      b.load('read data->state', v, (c) => ias(c).state(p.get(c))),
      b.jumpIf((c) => v.get(c) !== PASID_ACTIVE, 'stays'), // free already in progress
      ...(refuseBound
        ? [b.load('read PASID entry (bound?)', v, (c) => ias(c).entry(p.get(c))), b.jumpIf((c) => v.get(c) !== 0, 'stays')]
        : []),
      ...freeLockedBody(b, sys, { p: pid, set, v, last }, 'each_', 'next', held),
      b.label('stays'),
      b.compute('the PASID stays allocated', (c) => void held.set(c, 1)),
      b.label('next'),
      b.compute('next index', (c) => (p.set(c, p.get(c) + 1), 'each')),
      b.label('after'),
      ...(refuseBound ? [b.jumpIf((c) => held.get(c) !== 0, 'ebusy')] : []),
      b.ret(0),
      b.jumpIf((c) => destroy(c) !== 1, 'unlock'),
      b.store('set->free_pending = true', (c) => ias(c).setState(set(c)), SET_DYING),
      b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
      b.jumpIf((c) => v.get(c) !== 0, 'unlock'),
      ...destroyIfUnused(b, set, v, 'unlock', true),
      b.goto('unlock'),
      ...b.errorReturns([['ebusy', EBUSY], ['einval', EINVAL]], 'unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});
