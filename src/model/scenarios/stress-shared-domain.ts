// Stress scenario (benchmark only): several drivers map, unmap and sync pages of ONE domain attached
// through two instances while devices read — the contended case, where reduction helps least.
import type { ScenarioSpec } from '../scenario';

export const stressSharedDomain: ScenarioSpec = {
  name: 'stress-shared-domain',
  description: 'three drivers unmap_sync different pages of one domain shared by two instances, two devices reading',
  instances: [0, 0],
  devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }],
  domains: [{ owner: 0 }],
  pages: 3,
  phys: 3,
  setup: [['attach', 0, 0], ['attach', 1, 0], ['map', 0, 0, 0], ['map', 0, 1, 1], ['map', 0, 2, 2]],
  threads: [
    { name: 'driver0', ops: [['unmap_sync', 0, 0, 1]] },
    { name: 'driver1', ops: [['unmap_sync', 0, 1, 1]] },
    { name: 'driver2', ops: [['unmap_sync', 0, 2, 1]] },
    { name: 'device0', ops: [['dma', 0, 0], ['dma', 0, 1]] },
    { name: 'device1', ops: [['dma', 1, 2]] },
  ],
};
