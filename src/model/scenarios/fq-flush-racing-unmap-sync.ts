// Scenario: the flush-queue timer of one domain and a driver's unmap_sync of another share one small command
// queue: both must get their commands in without overwriting each other's, waiting for room when it is full.
import type { ScenarioSpec } from '../scenario';

export const fqFlushRacingUnmapSync: ScenarioSpec = {
  name: 'fq-flush-racing-unmap-sync',
  description: 'the flush-queue timer and an unmap_sync of another domain issue commands into one 3-entry queue at once',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [{ owner: 0 }, { owner: 0 }],
  pages: 1,
  phys: 1,
  cmdqDepth: 2,
  setup: [['attach', 0, 0], ['attach', 1, 1], ['map', 1, 0, 0], ['dma', 1, 0]],
  threads: [
    { name: 'fq-timer', ops: [['fq_flush', 0]] },
    { name: 'driver', ops: [['unmap_sync', 1, 0, 1]] },
  ],
};
