// Scenario: a driver unmaps a page and syncs while the device keeps reading it through a warm IOTLB.
import type { ScenarioSpec } from '../scenario';

export const unmapRacingDmaWithSync: ScenarioSpec = {
  name: 'unmap-racing-dma-with-sync',
  description: 'unmap + iotlb_sync of a page whose translation the IOTLB holds, racing the device\'s DMA to it',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 2,
  phys: 2,
  setup: [['attach', 0, 0], ['map', 0, 0, 0], ['map', 0, 1, 1], ['dma', 0, 0], ['dma', 0, 1]],
  threads: [
    { name: 'driver', ops: [['unmap', 0, 0, 2], ['iotlb_sync', 0]] },
    { name: 'device', ops: [['dma', 0, 0], ['dma', 0, 1], ['dma', 0, 0]] },
  ],
  alternatives: [['unmap-eager-tlbi']],
  catches: [
    { variant: 'unmap-no-invalidate', invariant: 'no-stale-tlb-after-sync' },
    { variant: 'sync-no-wait', invariant: 'no-stale-tlb-after-sync' },
  ],
};
