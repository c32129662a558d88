// Owns the built-in scenarios of the IOASID (PASID) allocator: capacity, sets with quotas, notifiers.
import type { ScenarioSpec } from '../../scenario';
import { ioasidTwoVmsRaceForCapacity } from './two-vms-race-for-capacity';
import { ioasidFreeFromRcuCallback } from './free-from-rcu-callback';
import { ioasidFreeRacingBind } from './free-racing-bind';
import { ioasidAdjustSetRacingAlloc } from './adjust-set-racing-alloc';
import { ioasidFreeSetRacingFindSid } from './free-set-racing-find-sid';
import { ioasidDestroySetRacingResetAndAdjust } from './destroy-set-racing-reset-and-adjust';
import { ioasidSvaFreeRacingVmAlloc } from './sva-free-racing-vm-alloc';

export const ioasidScenarios: ScenarioSpec[] = [
  ioasidTwoVmsRaceForCapacity, ioasidFreeFromRcuCallback, ioasidFreeRacingBind, ioasidAdjustSetRacingAlloc,
  ioasidFreeSetRacingFindSid, ioasidDestroySetRacingResetAndAdjust, ioasidSvaFreeRacingVmAlloc,
];
