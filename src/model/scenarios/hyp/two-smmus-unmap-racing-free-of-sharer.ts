// Scenario: two domains shared by two SMMUs map the same two pages; one is unmapped while the other is freed.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypTwoSmmusUnmapRacingFreeOfSharer: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-two-smmus-unmap-racing-free-of-sharer',
  description: 'domains shared by two SMMUs, both mapping pages 0 and 1: one is unmapped through SMMU 0 while the other is freed through SMMU 1; both drop DMA shares of the same pages, each under the host stage-2 lock',
  threads: [
    { name: 'unmapper', ops: [['hyp_unmap', 0, 0, 0, 2]] },
    { name: 'freer', ops: [['hyp_free_domain', 1, 1]] },
  ],
  hyp: { smmus: 2, domains: 2, sharedDomains: true, blocks: 1, blockPages: 2, tablePages: 4, memory: ['host', 'host'] },
  setup: [
    ['hyp_alloc_domain', 0, 0], ['hyp_alloc_domain', 0, 1],
    ['hyp_map', 0, 0, 0, 0], ['hyp_map', 0, 0, 1, 1], ['hyp_map', 0, 1, 0, 0], ['hyp_map', 0, 1, 1, 1],
  ],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
};
