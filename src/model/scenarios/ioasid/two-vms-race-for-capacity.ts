// Scenario: two VMs (one with two vCPUs) allocate PASIDs against their set quotas and the system capacity at once.
import type { ScenarioSpec } from '../../scenario';

export const ioasidTwoVmsRaceForCapacity: ScenarioSpec = {
  name: 'ioasid-two-vms-race-for-capacity',
  description: 'VM 1 (quota 1) allocates from two vCPUs while VM 2 (quota 3) allocates twice; capacity 3 of 4 PASID values, one already taken',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 3, pasids: 4, sets: [{ quota: 0 }, { quota: 1 }, { quota: 3 }] },
  setup: [['ioasid_alloc', 2]],
  threads: [
    { name: 'vm2', ops: [['ioasid_alloc', 2], ['ioasid_alloc', 2]] },
    { name: 'vm1-vcpu0', ops: [['ioasid_alloc', 1]] },
    { name: 'vm1-vcpu1', ops: [['ioasid_alloc', 1]] },
  ],
  catches: [{ variant: 'alloc-check-then-bump', invariant: 'no-ioasid-quota-overrun' }],
};
