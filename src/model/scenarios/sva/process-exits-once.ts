// Scenario: two threads run the same process's exit; only one finds task->mm set.
import type { ScenarioSpec } from '../../scenario';

export const processExitsOnce: ScenarioSpec = {
  name: 'process-exits-once',
  description: 'two mm_exit of one process race a bind: the one that clears task->mm under task_lock drops the process\'s mm_users, the other returns -ESRCH and drops nothing',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 1, pasids: 1 },
  threads: [
    { name: 'exit0', ops: [['mm_exit', 0]] },
    { name: 'exit1', ops: [['mm_exit', 0]] },
  ],
};
