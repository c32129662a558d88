// Scenario: a device's bond is released while the same device binds the same mm again (close + reopen).
import type { ScenarioSpec } from '../../scenario';

export const bindRacingUnbindSameMm: ScenarioSpec = {
  name: 'bind-racing-unbind-same-mm',
  description: 'sva_unbind drops the last user of an SVA domain while sva_bind of the same device and mm looks it up',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 2, pasids: 1 },
  setup: [['sva_bind', 0, 0]],
  threads: [
    { name: 'closer', ops: [['sva_unbind', 0, 0]] },
    { name: 'opener', ops: [['sva_bind', 0, 0], ['sva_unbind', 0, 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
  catches: [
    { variant: 'get-user-inc-from-zero', invariant: 'no-use-after-free' },
    { variant: 'get-user-result-ignored', invariant: 'sva-refcount' },
    { variant: 'bind-error-leaks-user', invariant: 'sva-refcount' },
    { variant: 'xa-erase-unconditional', invariant: 'sva-domain-per-instance' },
  ],
};
