// Scenario: the host frees a domain that a device is attached to while another CPU maps into it.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypFreeAttachedDomainRacingMap: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-free-attached-domain-racing-map',
  description: 'free_domain of an attached domain races a map and unmap of it; the free must fail until the last reference goes',
  threads: [
    { name: 'freer', ops: [['hyp_free_domain', 0, 0], ['hyp_detach', 0, 0], ['hyp_free_domain', 0, 0]] },
    { name: 'mapper', ops: [['hyp_map', 0, 0, 0, 0], ['hyp_unmap', 0, 0, 0, 1]] },
  ],
  hyp: { smmus: 1, domains: 1, tablePages: 2, memory: ['host'], poweredOff: [0] },
  // boot: the stream table is programmed while the SMMU is still off, then it is enabled
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_attach', 0, 0, 0], ['hyp_power_on', 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-free-ignores-refs', invariant: 'hyp-state-consistent' }],
};
