// Scenario: a hostile host maps and unmaps the same IOVA from two CPUs at once.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypHostRacesOneIova: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-host-races-one-iova',
  description: 'two host CPUs map the same IOVA of one domain to different pages, then both unmap it; the hypervisor must not leak, double-free or lose a table page',
  threads: [
    { name: 'cpu0', ops: [['hyp_map', 0, 0, 0, 0], ['hyp_unmap', 0, 0, 0, 1]] },
    { name: 'cpu1', ops: [['hyp_map', 0, 0, 0, 1], ['hyp_unmap', 0, 0, 0, 1]] },
  ],
  hyp: { smmus: 1, domains: 1, blocks: 1, blockPages: 1, tablePages: 3, memory: ['host', 'host'] },
  setup: [['hyp_alloc_domain', 0, 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [
    { variant: 'hyp-lockless-trusting-pgtable', invariant: 'hyp-state-consistent' },
    { variant: 'hyp-lockless-plain-install', invariant: 'hyp-state-consistent' },
  ],
};
