// Scenario: host SVA (IOMMU the only subscriber) frees a system-set PASID while a VM allocates in its own
// set, so the capacity counter and the system set's nr_ioasids differ.
import type { ScenarioSpec } from '../../scenario';

export const ioasidSvaFreeRacingVmAlloc: ScenarioSpec = {
  name: 'ioasid-sva-free-racing-vm-alloc',
  description: 'ioasid_free of a bound system-set PASID (FREE to the IOMMU only) races an ioasid_alloc of VM 1, so the capacity counter and the system set\'s nr_ioasids differ',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 2, sets: [{ quota: 1 }, { quota: 1 }], subscribers: ['iommu'] },
  setup: [['ioasid_alloc', 0], ['ioasid_bind', 0, 0]],
  threads: [
    { name: 'sva-unbind-mm', ops: [['ioasid_free', 0, 0]] },
    { name: 'vm1', ops: [['ioasid_alloc', 1]] },
  ],
  alternatives: [['free-refuses-bound']],
};
