// Scenario: one paging domain attached through two compatible instances; an unmap_sync must reach both.
import type { ScenarioSpec } from '../scenario';

export const twoInstancesShareDomain: ScenarioSpec = {
  name: 'two-instances-share-domain',
  description: 'a domain attached to devices behind two instances of the same configuration; unmap_sync races DMA on both',
  instances: [0, 0],
  devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }],
  domains: [{ owner: 0 }],
  pages: 1,
  phys: 1,
  setup: [['attach', 0, 0], ['attach', 1, 0], ['map', 0, 0, 0], ['dma', 0, 0], ['dma', 1, 0]],
  threads: [
    { name: 'driver', ops: [['unmap_sync', 0, 0, 1]] },
    { name: 'device0', ops: [['dma', 0, 0]] },
    { name: 'device1', ops: [['dma', 1, 0]] },
  ],
  alternatives: [['unmap-eager-tlbi']],
  catches: [{ variant: 'sync-one-instance', invariant: 'no-stale-tlb-after-sync' }],
};
