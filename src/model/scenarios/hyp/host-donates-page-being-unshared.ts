// Scenario: the host donates a page to a guest while the hypervisor drops DMA shares of it (free, failed map, unmap).
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypHostDonatesPageBeingUnshared: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-host-donates-page-being-unshared',
  description: 'page 0 is mapped in two domains; one is freed, the other is mapped again (-EEXIST) and unmapped, while two host CPUs donate page 0 to a guest: every DMA share is dropped under the host stage-2 lock, and only after the TLB invalidation',
  threads: [
    { name: 'freer', ops: [['hyp_free_domain', 0, 0], ['host_donate_guest', 0]] },
    { name: 'mapper', ops: [['hyp_map', 0, 1, 0, 0], ['hyp_unmap', 0, 1, 0, 1]] },
    { name: 'donor', ops: [['host_donate_guest', 0]] },
  ],
  hyp: { smmus: 1, domains: 2, blocks: 1, blockPages: 1, tablePages: 4, memory: ['host'] },
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_alloc_domain', 0, 1], ['hyp_map', 0, 0, 0, 0], ['hyp_map', 0, 1, 0, 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
};
