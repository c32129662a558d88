// Scenario: the table walker may prefetch any valid PTE at any moment, racing an unmap_sync.
import type { ScenarioSpec } from '../scenario';

export const speculativeWalkRacingUnmap: ScenarioSpec = {
  name: 'speculative-walk-racing-unmap',
  description: 'the IOTLB fills speculatively from the page table at any time while a driver unmaps and syncs and the device reads',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 2,
  phys: 2,
  speculativeWalker: true,
  setup: [['attach', 0, 0], ['map', 0, 0, 0], ['map', 0, 1, 1]],
  threads: [
    { name: 'driver', ops: [['unmap_sync', 0, 0, 2], ['map', 0, 0, 1]] },
    { name: 'device', ops: [['dma', 0, 0], ['dma', 0, 1]] },
  ],
  alternatives: [['unmap-eager-tlbi']],
  catches: [
    { variant: 'unmap-no-invalidate', invariant: 'no-stale-tlb-after-sync' },
    { variant: 'sync-no-wait', invariant: 'no-stale-tlb-after-sync' },
  ],
};
