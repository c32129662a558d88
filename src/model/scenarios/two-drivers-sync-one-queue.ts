// Scenario: two drivers unmap_sync different pages of one domain through the same command queue while a
// device keeps the IOTLB warm: each sync must get its own TLBIs and CMD_SYNC into the queue.
import type { ScenarioSpec } from '../scenario';

export const twoDriversSyncOneQueue: ScenarioSpec = {
  name: 'two-drivers-sync-one-queue',
  description: 'two drivers unmap_sync different pages of one domain at once; both syncs go through one command queue',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 2,
  phys: 2,
  setup: [['attach', 0, 0], ['map', 0, 0, 0], ['map', 0, 1, 1], ['dma', 0, 0], ['dma', 0, 1]],
  threads: [
    { name: 'driver0', ops: [['unmap_sync', 0, 0, 1]] },
    { name: 'driver1', ops: [['unmap_sync', 0, 1, 1]] },
  ],
  alternatives: [['unmap-eager-tlbi']],
};
