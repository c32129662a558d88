// Owns the built-in scenarios of SVA: process address spaces (mm) bound to devices through SVA domains.
import type { ScenarioSpec } from '../../scenario';
import { bindRacingUnbindSameMm } from './bind-racing-unbind-same-mm';
import { twoInstancesBindOneMm } from './two-instances-bind-one-mm';
import { twoDevicesShareSvaDomain } from './two-devices-share-sva-domain';
import { unbindRacingMmExit } from './unbind-racing-mm-exit';
import { bindRacingMmExit } from './bind-racing-mm-exit';

export const svaScenarios: ScenarioSpec[] = [
  bindRacingUnbindSameMm, twoInstancesBindOneMm, twoDevicesShareSvaDomain, unbindRacingMmExit, bindRacingMmExit,
];
