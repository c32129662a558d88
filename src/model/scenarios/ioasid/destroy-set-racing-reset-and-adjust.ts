// Scenario: a VM exits (its set freed and destroyed) while the guest's reset frees the same set's PASIDs and
// the host adjusts its quota; another VM keeps a PASID all along.
import type { ScenarioSpec } from '../../scenario';

export const ioasidDestroySetRacingResetAndAdjust: ScenarioSpec = {
  name: 'ioasid-destroy-set-racing-reset-and-adjust',
  description: 'ioasid_free_set(destroy) of VM 1 races ioasid_free_set (no destroy) of the same set and ioasid_adjust_set of its quota, while VM 2 holds a PASID (the counters differ per set)',
  instances: [],
  devices: [],
  domains: [],
  pages: 1,
  phys: 1,
  ioasid: { capacity: 2, sets: [{ quota: 0 }, { quota: 1 }, { quota: 1 }] },
  setup: [['ioasid_alloc', 1], ['ioasid_alloc', 2]],
  threads: [
    { name: 'vm1-exit', ops: [['ioasid_free_set', 1, 1]] },
    { name: 'vm1-reset', ops: [['ioasid_free_set', 1, 0]] },
    { name: 'host-admin', ops: [['ioasid_adjust_set', 1, 0]] },
  ],
};
