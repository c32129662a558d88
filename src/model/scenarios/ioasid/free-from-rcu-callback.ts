// Scenario: the SVA mmu_notifier release frees a bound host PASID from an RCU callback (atomic context)
// while a driver allocates in the system set.
import type { ScenarioSpec } from '../../scenario';

export const ioasidFreeFromRcuCallback: ScenarioSpec = {
  name: 'ioasid-free-from-rcu-callback',
  description: 'an RCU callback (atomic) frees a bound PASID of the system set, racing an ioasid_alloc from thread context',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 2, sets: [{ quota: 2 }], subscribers: ['iommu'], atomic: [1] },
  setup: [['ioasid_alloc', 0], ['ioasid_bind', 0, 0]],
  threads: [
    { name: 'sva-bind', ops: [['ioasid_alloc', 0]] },
    { name: 'mm-release-rcu', ops: [['ioasid_free', 0, 0]] },
  ],
  alternatives: [['free-refuses-bound']],
  catches: [
    { variant: 'ioasid-mutex', invariant: 'no-sleep-in-atomic' },
    { variant: 'iommu-free-handler-sleeps', invariant: 'no-sleep-in-atomic' },
  ],
};
