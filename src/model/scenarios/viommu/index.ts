// Owns the built-in scenarios of the iommufd-style vIOMMU: virtual device IDs, nested stage-1, guest invalidations.
import type { ScenarioSpec } from '../../scenario';
import { guestInvalidationAcrossTwoSmmus } from './guest-invalidation-across-two-smmus';
import { vdevIdReuseRacingUnbind } from './vdev-id-reuse-racing-unbind';
import { twoVmsOverlappingVdevIds } from './two-vms-overlapping-vdev-ids';
import { twoGuestBatchesFillOneQueue } from './two-guest-batches-fill-one-queue';
import { unsetRacingUnbindOnAFullQueue } from './unset-racing-unbind-on-a-full-queue';
import { deviceReboundRacingUnbind } from './device-rebound-racing-unbind';
import { unboundDeviceReassignedToAnotherVm } from './unbound-device-reassigned-to-another-vm';

export const viommuScenarios: ScenarioSpec[] = [
  guestInvalidationAcrossTwoSmmus, vdevIdReuseRacingUnbind, twoVmsOverlappingVdevIds,
  twoGuestBatchesFillOneQueue, unsetRacingUnbindOnAFullQueue, deviceReboundRacingUnbind, unboundDeviceReassignedToAnotherVm,
];
