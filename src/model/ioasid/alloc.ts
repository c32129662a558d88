// Owns ioasid_alloc (drivers/iommu/ioasid.c): under ioasid_allocator_lock, check that the set is valid,
// within its quota and the system capacity, then xa_alloc the lowest free PASID with a fresh ioasid_data, set
// its state, then bump set->nr_ioasids and the capacity counter -- each access its own step; and its faulty variant
// alloc-check-then-bump (the checks and the bumps in two critical sections).
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { EINVAL, ENOSPC } from '../errno';
import type { ParamSpec } from '../program';
import type { System } from '../system';
import { allocatorLock, allocatorUnlock } from './lock';
import { PASID_ACTIVE, SET_LIVE, ias } from './state';
import { xaAlloc } from './xarray';

export const setParam: ParamSpec = { name: 'set', kind: 'ioasid_set', max: (sys) => sys.ias.S - 1 };
/** -1 = the PASID this thread's last ioasid_alloc returned */
export const pasidParam: ParamSpec = { name: 'pasid', kind: 'pasid', min: -1, max: (sys) => sys.ias.P - 1 };

/** ioasid_alloc's steps; `relock` drops and retakes the lock between the checks and the bumps (the faulty variant). */
function allocSteps(b: Builder, sys: System, relock: boolean): Item[] {
  const set = b.arg('set');
  const v = b.local('val'), quota = b.local('quota'), p = b.local('pasid');
  return [
    allocatorLock(b, sys),
    // ioasid_set_is_valid(set) && !set->free_pending
    b.load('read set state', v, (c) => ias(c).setState(set(c))),
    b.jumpIf((c) => v.get(c) !== SET_LIVE, 'einval'),
    b.load('read set->quota', quota, (c) => ias(c).quota(set(c))),
    b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
    b.jumpIf((c) => quota.get(c) <= v.get(c), 'enospc'), // IOASID set out of quota
    b.load('read ioasid_capacity_avail', v, (c) => ias(c).used),
    b.jumpIf((c) => v.get(c) >= ias(c).capacity, 'enospc'),
    ...(relock ? [allocatorUnlock(b, sys), allocatorLock(b, sys)] : []),
    ...xaAlloc(b, set, p, v),
    b.jumpIf((c) => p.get(c) < 0, 'enospc'),
    b.store('data->state = IOASID_STATE_ACTIVE', (c) => ias(c).state(p.get(c)), PASID_ACTIVE),
    b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
    b.store('set->nr_ioasids++', (c) => ias(c).count(set(c)), (c) => v.get(c) + 1),
    b.load('read ioasid_capacity_avail', v, (c) => ias(c).used),
    b.store('ioasid_capacity_avail--', (c) => ias(c).used, (c) => v.get(c) + 1),
    b.compute('keep the PASID for pasid=-1', (c) => void c.w.set(ias(c).threadPasid(c.t), p.get(c) + 1)),
    b.ret((c) => p.get(c)),
    b.goto('unlock'),
    ...b.errorReturns([['einval', EINVAL], ['enospc', ENOSPC]], 'unlock'),
    allocatorUnlock(b, sys),
  ];
}

operation({
  name: 'ioasid_alloc', subsystem: 'ioasid',
  description: 'allocate the lowest free PASID in a set, within its quota and the system capacity; returns it (and keeps it for pasid=-1)',
  params: [setParam],
  variant: { name: 'alloc-check-and-bump-locked', description: 'ioasid_alloc checks the set quota and the system capacity and bumps both counters in one critical section' },
  steps: (b, sys) => allocSteps(b, sys, false),
});

variantOf('ioasid_alloc', 'alloc-check-then-bump', {
  faulty: true,
  description: 'ioasid_alloc checks quota and capacity, drops the lock, and bumps the counters in a second critical section (check-then-act)',
  steps: (b, sys) => allocSteps(b, sys, true),
});
