// Scenario: a driver binds a process that is exiting; the last mm_users reference may be the binder's own.
import type { ScenarioSpec } from '../../scenario';

export const bindRacingMmExit: ScenarioSpec = {
  name: 'bind-racing-mm-exit',
  description: 'sva_bind, DMA and sva_unbind race the process exit: bind fails with -ESRCH or its final mmput tears the address space down',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 1, pasids: 1 },
  threads: [
    { name: 'driver', ops: [['sva_bind', 0, 0], ['sva_dma', 0, 0], ['sva_unbind', 0, 0]] },
    { name: 'process', ops: [['mm_exit', 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
  catches: [{ variant: 'sva-domain-no-mmgrab', invariant: 'mm-outlives-binding' }],
};
