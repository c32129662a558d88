// Owns the IOASID operations that count against quotas and sets: ioasid_alloc (quota + capacity),
// ioasid_adjust_set, and ioasid_find_sid / ioasid_put_sid (a reference on the set).
import type { Ctx, ParamSpec, StepDef } from '../program';
import type { System } from '../system';
import { defineOp } from '../ops';
import { EBUSY, EINVAL, ENOENT, ENOSPC } from '../errno';
import {
  PASID_FREE, SET_LIVE, destroyIfUnused, allocatorLock, allocatorUnlock, commitAlloc, invalidPasid,
  lowestFree, resolvePasid, setRet,
} from './ioasid-core';

export const setParam: ParamSpec = { name: 'set', kind: 'ioasid_set', max: (sys) => sys.ias.S - 1 };
/** -1 = the PASID this thread's last ioasid_alloc returned */
export const pasidParam: ParamSpec = { name: 'pasid', kind: 'pasid', min: -1, max: (sys) => sys.ias.P - 1 };

/** 0 when set s may take one more IOASID, else the error ioasid_alloc returns. */
function quotaCheck(c: Ctx, s: number): number {
  const f = c.sys.ias;
  if (c.w.get(f.setState(s)) !== SET_LIVE) return EINVAL;
  if (c.w.get(f.count(s)) >= c.w.get(f.quota(s))) return ENOSPC;
  if (c.w.get(f.used) >= f.capacity) return ENOSPC;
  return 0;
}

function allocate(c: Ctx, s: number): void {
  const p = lowestFree(c);
  if (p < 0) return setRet(c, ENOSPC);
  commitAlloc(c, s, p);
}

defineOp({
  name: 'ioasid_alloc', subsystem: 'ioasid',
  description: 'allocate the lowest free PASID in a set, within its quota and the system capacity; returns it (and keeps it for pasid=-1)',
  params: [setParam],
  build: (sys: System): StepDef[] => {
    if (!sys.variants.is('alloc-check-then-bump'))
      return [
        allocatorLock(sys),
        {
          label: 'check quota and capacity, allocate',
          run: (c) => {
            const err = quotaCheck(c, c.args[0]);
            if (err) setRet(c, err);
            else allocate(c, c.args[0]);
          },
        },
        allocatorUnlock(sys),
      ];
    return [
      allocatorLock(sys),
      {
        label: 'check quota and capacity',
        run: (c) => {
          const err = quotaCheck(c, c.args[0]);
          if (!err) return;
          setRet(c, err);
          return 5;
        },
      },
      allocatorUnlock(sys),
      allocatorLock(sys),
      { label: 'bump counters, allocate', run: (c) => allocate(c, c.args[0]) },
      allocatorUnlock(sys),
    ];
  },
});

defineOp({
  name: 'ioasid_adjust_set', subsystem: 'ioasid',
  description: 'change a set\'s quota; -EBUSY if below the IOASIDs it holds, -EINVAL if the set is destroyed',
  params: [setParam, { name: 'quota', kind: 'quota', max: (sys) => sys.ias.capacity }],
  build: (sys) => {
    const unchecked = sys.variants.is('adjust-ignores-count');
    return [
      allocatorLock(sys),
      {
        label: 'set quota',
        run: (c) => {
          const f = c.sys.ias, s = c.args[0], q = c.args[1];
          if (c.w.get(f.setState(s)) !== SET_LIVE) return setRet(c, EINVAL);
          if (!unchecked && q < c.w.get(f.count(s))) return setRet(c, EBUSY);
          c.w.set(f.quota(s), q);
          setRet(c, 0);
        },
      },
      allocatorUnlock(sys),
    ];
  },
});

defineOp({
  name: 'ioasid_find_sid', subsystem: 'ioasid',
  description: 'find the set of a PASID and take a reference on it (kept for ioasid_put_sid); returns the set id',
  params: [pasidParam],
  build: (sys) => [
    allocatorLock(sys),
    {
      label: 'look up set, get reference',
      run: (c) => {
        const f = c.sys.ias, p = resolvePasid(c, c.args[0]);
        if (invalidPasid(c, p)) return;
        if (c.w.get(f.state(p)) === PASID_FREE) return setRet(c, ENOENT);
        if (c.w.get(f.threadSid(c.t)) !== 0) return setRet(c, EBUSY); // one held reference per thread
        const s = c.w.get(f.owner(p)) - 1;
        c.w.add(f.setRefs(s), 1);
        c.w.set(f.threadSid(c.t), s + 1);
        setRet(c, s);
      },
    },
    allocatorUnlock(sys),
  ],
});

defineOp({
  name: 'ioasid_put_sid', subsystem: 'ioasid',
  description: 'drop the set reference this thread\'s ioasid_find_sid took; the last put destroys a set freed with destroy',
  params: [],
  build: (sys) => [
    allocatorLock(sys),
    {
      label: 'put set reference',
      run: (c) => {
        const f = c.sys.ias, s = c.w.get(f.threadSid(c.t)) - 1;
        if (s < 0) return setRet(c, EINVAL);
        c.w.set(f.threadSid(c.t), 0);
        c.w.add(f.setRefs(s), -1);
        destroyIfUnused(c, s);
        setRet(c, 0);
      },
    },
    allocatorUnlock(sys),
  ],
});
