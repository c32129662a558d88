// Owns the built-in scenarios of SVA: process address spaces (mm) bound to devices through SVA domains.
import type { ScenarioSpec } from '../../scenario';
import { bindRacingUnbindSameMm } from './bind-racing-unbind-same-mm';
import { twoInstancesBindOneMm } from './two-instances-bind-one-mm';
import { twoDevicesShareSvaDomain } from './two-devices-share-sva-domain';
import { unbindRacingMmExit } from './unbind-racing-mm-exit';
import { bindRacingMmExit } from './bind-racing-mm-exit';
import { twoBindersRacingMmExit } from './two-binders-racing-mm-exit';
import { processExitsOnce } from './process-exits-once';

export const svaScenarios: ScenarioSpec[] = [
  bindRacingUnbindSameMm, twoInstancesBindOneMm, twoDevicesShareSvaDomain, unbindRacingMmExit, bindRacingMmExit,
  twoBindersRacingMmExit, processExitsOnce,
];
