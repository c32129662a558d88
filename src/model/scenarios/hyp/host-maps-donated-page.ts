// Scenario: the host maps a page for DMA on one SMMU while donating it to a guest, and tries a guest page.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypHostMapsDonatedPage: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-host-maps-donated-page',
  description: 'two SMMUs with private domains: the host maps page 0 through one and the guest\'s page 1 through the other while donating page 0 to a guest',
  threads: [
    { name: 'cpu0', ops: [['hyp_map', 0, 0, 0, 0]] },
    { name: 'cpu1', ops: [['hyp_map', 1, 0, 0, 1]] },
    { name: 'donor', ops: [['host_donate_guest', 0]] },
  ],
  hyp: { smmus: 2, domains: 1, tablePages: 4, memory: ['host', 'guest'] },
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_alloc_domain', 1, 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-share-check-then-take', invariant: 'host-cannot-map-foreign' }],
};
