// Scenario: a VM exits (its whole set freed and destroyed) while KVM looks up the set of one of its
// PASIDs and a vCPU still allocates.
import type { ScenarioSpec } from '../../scenario';

export const ioasidFreeSetRacingFindSid: ScenarioSpec = {
  name: 'ioasid-free-set-racing-find-sid',
  description: 'ioasid_free_set(destroy) of VM 1 with a bound PASID races ioasid_find_sid + put on that PASID and an ioasid_alloc in the set',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 2, sets: [{ quota: 0 }, { quota: 2 }] },
  setup: [['ioasid_alloc', 1], ['ioasid_bind', 0, 0]],
  threads: [
    { name: 'vm-exit', ops: [['ioasid_free_set', 1, 1]] },
    { name: 'kvm', ops: [['ioasid_find_sid', 0], ['ioasid_put_sid']] },
    { name: 'vm1-vcpu', ops: [['ioasid_alloc', 1]] },
  ],
  alternatives: [['free-refuses-bound']],
  catches: [{ variant: 'bind-without-ref', invariant: 'no-stale-pasid-entry' }],
};
