// Owns mm_exit: the process leaving its address space, as exit_mm in kernel/exit.c orders it — task->mm
// cleared under task_lock (get_task_mm reads it under that lock), then mmput of the process's own mm_users
// reference.
import type { Ctx } from '../program';
import { operation } from '../api/define';
import { ESRCH } from '../errno';
import { mmputSteps } from './mm';

operation({
  name: 'mm_exit', subsystem: 'sva',
  description: 'the process exits: exit_mm clears task->mm under task_lock and drops its mm_users (the last runs exit_mmap and mmdrop); -ESRCH if it already exited',
  params: [{ name: 'mm', kind: 'mm', max: (sys) => sys.sva.M - 1 }],
  steps: (b) => {
    const mm = b.arg('mm');
    const gone = b.local('gone'), old = b.local('old'), p = b.local('pasid');
    const f = (c: Ctx) => c.sys.sva;
    const lock = (c: Ctx) => f(c).taskLock(mm(c));
    return [
      b.spinLock('task_lock(current)', lock, 'task_lock'),
      // a process exits once: after that current->mm is NULL (the model's second mm_exit of one mm is -ESRCH).
      // exit_mm reads its own task->mm before task_lock (only the task changes it); the model reads it under
      // the lock, since a scenario may give two threads the same process's exit
      b.load('mm = current->mm', gone, (c) => f(c).mmExited(mm(c))),
      b.jumpIf((c) => gone.get(c) !== 0, 'unlock'),
      b.store('current->mm = NULL', (c) => f(c).mmExited(mm(c)), 1),
      b.label('unlock'),
      b.spinUnlock('task_unlock(current)', lock, 'task_lock'),
      b.jumpIf((c) => gone.get(c) !== 0, 'esrch'),
      ...mmputSteps(b, mm, old, p),
      b.retDone(0),
      b.label('esrch'),
      b.retDone(ESRCH),
    ];
  },
});
