// Owns the built-in scenarios of the iommufd-style vIOMMU: virtual device IDs, nested stage-1, guest invalidations.
import type { ScenarioSpec } from '../../scenario';
import { guestInvalidationAcrossTwoSmmus } from './guest-invalidation-across-two-smmus';
import { vdevIdReuseRacingUnbind } from './vdev-id-reuse-racing-unbind';
import { twoVmsOverlappingVdevIds } from './two-vms-overlapping-vdev-ids';

export const viommuScenarios: ScenarioSpec[] = [guestInvalidationAcrossTwoSmmus, vdevIdReuseRacingUnbind, twoVmsOverlappingVdevIds];
