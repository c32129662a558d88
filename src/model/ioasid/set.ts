import { lockAndLookUp } from './lookup';
// Owns the set operations that take no IOASID: ioasid_adjust_set (a new quota, never below the IOASIDs the
// set holds) with its faulty variant adjust-ignores-count, and ioasid_find_sid / ioasid_put_sid (the set of a
// PASID, with a reference on the set, and its put, which destroys a free_pending set at the last reference).
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { EBUSY, EINVAL, ENOENT } from '../errno';
import { allocatorLock, allocatorUnlock } from './lock';
import { pasidParam, setParam } from './alloc';
import { SET_DESTROYED, SET_DYING, SET_LIVE, ias } from './state';
import type { System } from '../system';

/** ioasid_adjust_set's steps; `checked` false writes the quota without comparing it to nr_ioasids. */
function adjustSteps(b: Builder, sys: System, checked: boolean): Item[] {
  const set = b.arg('set'), quota = b.arg('quota');
  const v = b.local('val');
  return [
    allocatorLock(b, sys),
    b.load('read set state', v, (c) => ias(c).setState(set(c))),
    b.jumpIf((c) => v.get(c) !== SET_LIVE, 'einval'),
    ...(checked
      ? [b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))), b.jumpIf((c) => quota(c) < v.get(c), 'ebusy')]
      : []),
    b.store('set->quota = quota', (c) => ias(c).quota(set(c)), quota),
    b.ret(0),
    b.goto('unlock'),
    ...b.errorReturns([['ebusy', EBUSY], ['einval', EINVAL]], 'unlock'),
    allocatorUnlock(b, sys),
  ];
}

operation({
  name: 'ioasid_adjust_set', subsystem: 'ioasid',
  description: 'change a set\'s quota; -EBUSY if below the IOASIDs it holds, -EINVAL if the set is destroyed',
  params: [setParam, { name: 'quota', kind: 'quota', max: (sys) => sys.ias.capacity }],
  variant: { name: 'adjust-checks-count', description: 'ioasid_adjust_set refuses (-EBUSY) a quota below the number of IOASIDs the set already holds' },
  steps: (b, sys) => adjustSteps(b, sys, true),
});

variantOf('ioasid_adjust_set', 'adjust-ignores-count', {
  faulty: true, description: 'ioasid_adjust_set writes the new quota without comparing it to set->nr_ioasids',
  steps: (b, sys) => adjustSteps(b, sys, false),
});

operation({
  name: 'ioasid_find_sid', subsystem: 'ioasid',
  description: 'find the set of a PASID and take a reference on it (kept for ioasid_put_sid); returns the set id',
  params: [pasidParam],
  steps: (b, sys) => {
    const arg = b.arg('pasid');
    const p = b.local('pasid'), v = b.local('val');
    return [
      ...lockAndLookUp(b, sys, arg, p, v),
      b.jumpIf((c) => c.w.get(ias(c).threadSid(c.t)) !== 0, 'ebusy'), // one held reference per thread
      b.load('read ioasid_data->set', v, (c) => ias(c).owner(p.get(c))),
      b.atomicInc('refcount_inc(&set->refs)', (c) => ias(c).setRefs(v.get(c) - 1)),
      b.compute('keep the set for ioasid_put_sid', (c) => void c.w.set(ias(c).threadSid(c.t), v.get(c))),
      b.ret((c) => v.get(c) - 1),
      b.goto('unlock'),
      ...b.errorReturns([['ebusy', EBUSY], ['enoent', ENOENT], ['einval', EINVAL]], 'unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});

operation({
  name: 'ioasid_put_sid', subsystem: 'ioasid',
  description: 'drop the set reference this thread\'s ioasid_find_sid took; the last put destroys a set freed with destroy',
  params: [],
  steps: (b, sys) => {
    const s = b.local('set'), v = b.local('val');
    return [
      allocatorLock(b, sys),
      b.compute('the set this thread holds', (c) => {
        s.set(c, c.w.get(ias(c).threadSid(c.t)) - 1);
        if (s.get(c) < 0) return 'einval';
        c.w.set(ias(c).threadSid(c.t), 0);
      }),
      b.atomicDec('refcount_dec_and_test(&set->refs)', (c) => ias(c).setRefs(s.get(c)), v),
      b.ret(0),
      b.jumpIf((c) => v.get(c) !== 1, 'unlock'), // not the last reference
      b.load('read set->free_pending', v, (c) => ias(c).setState(s.get(c))),
      b.jumpIf((c) => v.get(c) !== SET_DYING, 'unlock'),
      b.load('read set->nr_ioasids', v, (c) => ias(c).count(s.get(c))),
      b.jumpIf((c) => v.get(c) !== 0, 'unlock'),
      b.store('__ioasid_set_destroy: xa_erase(&ioasid_sets, set->id)', (c) => ias(c).setState(s.get(c)), SET_DESTROYED),
      b.goto('unlock'),
      b.label('einval'), b.ret(EINVAL),
      b.label('unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});
