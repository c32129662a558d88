// Scenario: the host powers an SMMU off and on while another CPU asks for a TLB invalidation on it.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypPowerOffRacingInvalidation: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-power-off-racing-invalidation',
  description: 'power_off/power_on of an SMMU races a TLB invalidation and a detach on it; no command may reach the SMMU while it is off',
  threads: [
    { name: 'invalidator', ops: [['hyp_iotlb_inv', 0, 0], ['hyp_detach', 0, 0]] },
    { name: 'power', ops: [['hyp_power_off', 0], ['hyp_power_on', 0]] },
  ],
  hyp: { smmus: 1, domains: 1, tablePages: 1, memory: ['host'], poweredOff: [0] },
  setup: [['hyp_alloc_domain', 0, 0], ['hyp_attach', 0, 0, 0], ['hyp_power_on', 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
  catches: [{ variant: 'hyp-power-checked-unlocked', invariant: 'hyp-state-consistent' }],
};
