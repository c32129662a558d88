// Scenario: VM 1 frees its PASID while its guest binds it, and VM 2 allocates (and binds) right after.
import type { ScenarioSpec } from '../../scenario';

export const ioasidFreeRacingBind: ScenarioSpec = {
  name: 'ioasid-free-racing-bind',
  description: 'ioasid_free of VM 1\'s PASID races its bind (IOMMU entry + KVM translation) and VM 2\'s alloc + bind that may reuse it',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 2, sets: [{ quota: 0 }, { quota: 1 }, { quota: 1 }] },
  setup: [['ioasid_alloc', 1]],
  threads: [
    { name: 'vm1-teardown', ops: [['ioasid_free', 1, -1]] },
    { name: 'vm1-guest-bind', ops: [['ioasid_bind', 0, 0]] },
    { name: 'vm2', ops: [['ioasid_alloc', 2], ['ioasid_bind', -1, 0]] },
  ],
  alternatives: [['free-refuses-bound']],
  catches: [
    { variant: 'bind-without-ref', invariant: 'no-stale-pasid-entry' },
    { variant: 'free-notify-deferred', invariant: 'pasid-unique' },
  ],
};
