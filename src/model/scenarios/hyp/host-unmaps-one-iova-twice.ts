// Scenario: a hostile host unmaps the same mapped IOVA from two CPUs at once.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypHostUnmapsOneIovaTwice: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-host-unmaps-one-iova-twice',
  description: 'two host CPUs unmap the same mapped IOVA (a whole block) at once; exactly one unmaps it, the table page is freed at most once',
  threads: [
    { name: 'cpu0', ops: [['hyp_unmap', 0, 0, 0, 1]] },
    { name: 'cpu1', ops: [['hyp_unmap', 0, 0, 0, 1]] },
  ],
  hyp: { smmus: 1, domains: 1, blocks: 1, blockPages: 1, tablePages: 2, memory: ['host'] },
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_map', 0, 0, 0, 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-lockless-trusting-pgtable', invariant: 'hyp-state-consistent' }],
};
