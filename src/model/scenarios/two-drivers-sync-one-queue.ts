// Scenario: two drivers unmap_sync different pages of one domain through the same command queue while a
// device keeps the IOTLB warm: each sync must get its own TLBIs and CMD_SYNC into the queue, waiting for room.
import type { ScenarioSpec } from '../scenario';

export const twoDriversSyncOneQueue: ScenarioSpec = {
  name: 'two-drivers-sync-one-queue',
  description: 'two drivers unmap_sync different pages of one domain at once; both syncs go through one command queue',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 3,
  phys: 3,
  cmdqDepth: 2, // 4 entries (a whole 3-page batch fits): the two syncs' five commands do not fit at once
  setup: [['attach', 0, 0], ['map', 0, 0, 0], ['map', 0, 1, 1], ['map', 0, 2, 2], ['dma', 0, 0], ['dma', 0, 1], ['dma', 0, 2]],
  threads: [
    { name: 'driver0', ops: [['unmap_sync', 0, 0, 1]] },
    { name: 'driver1', ops: [['unmap_sync', 0, 1, 2]] },
  ],
  alternatives: [['unmap-eager-tlbi']],
};
