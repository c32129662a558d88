// Scenario: the host shrinks a VM's quota while the VM allocates and frees.
import type { ScenarioSpec } from '../../scenario';

export const ioasidAdjustSetRacingAlloc: ScenarioSpec = {
  name: 'ioasid-adjust-set-racing-alloc',
  description: 'ioasid_adjust_set lowers VM 1\'s quota from 2 to 1 while VM 1, already holding one PASID, allocates and frees another',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 3, sets: [{ quota: 0 }, { quota: 2 }] },
  setup: [['ioasid_alloc', 1]],
  threads: [
    { name: 'host-admin', ops: [['ioasid_adjust_set', 1, 1]] },
    { name: 'vm1', ops: [['ioasid_alloc', 1], ['ioasid_free', 1, -1]] },
  ],
  catches: [
    { variant: 'adjust-ignores-count', invariant: 'no-ioasid-quota-overrun' },
    { variant: 'alloc-check-then-bump', invariant: 'no-ioasid-quota-overrun' },
  ],
};
