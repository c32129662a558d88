// Scenario: one domain shared by two SMMUs; the host allocates it through both and unmaps through both.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypTwoSmmusAllocSharedDomain: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-two-smmus-alloc-shared-domain',
  description: 'domains shared across two SMMUs: the host allocates and frees the same domain ID through each SMMU at once',
  threads: [
    { name: 'cpu0', ops: [['hyp_alloc_domain', 0, 0], ['hyp_free_domain', 0, 0]] },
    { name: 'cpu1', ops: [['hyp_alloc_domain', 1, 0], ['hyp_free_domain', 1, 0]] },
  ],
  hyp: { smmus: 2, domains: 1, sharedDomains: true, tablePages: 2, memory: ['host'] },
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-lock-per-iommu-only', invariant: 'hyp-state-consistent' }],
};

export const hypTwoSmmusUnmapSharedDomain: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-two-smmus-unmap-shared-domain',
  description: 'a domain shared by two SMMUs: two CPUs unmap different pages of it through different SMMUs; each unmap invalidates both SMMUs',
  threads: [
    { name: 'cpu0', ops: [['hyp_unmap', 0, 0, 0, 1]] },
    { name: 'cpu1', ops: [['hyp_unmap', 1, 0, 1, 1]] },
  ],
  hyp: { smmus: 2, domains: 1, sharedDomains: true, blocks: 1, blockPages: 2, tablePages: 2, memory: ['host', 'host'] },
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_map', 0, 0, 0, 0], ['hyp_map', 1, 0, 1, 1]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-lock-per-iommu-nested', invariant: 'no-deadlock' }],
};
