// Owns the process side of SVA: mm_exit, the process dropping its mm_users reference at exit (exit_mm),
// which tears the address space down and, if no SVA domain holds mmgrab, releases the mm_struct and PASID.
import { defineOp } from '../ops';
import { ESRCH } from '../errno';
import { mmput } from './sva-state';

defineOp({
  name: 'mm_exit', subsystem: 'sva',
  description: 'the process exits: exit_mm drops its mm_users (the last one runs exit_mmap and mmdrop); -ESRCH if it already exited',
  params: [{ name: 'mm', kind: 'mm', max: (sys) => sys.sva.M - 1 }],
  build: () => [{
    label: 'exit_mm: mmput',
    run: (c) => {
      const m = c.args[0];
      // a process exits once; after that task->mm is NULL and the mm_struct is not dereferenced
      if (c.w.get(c.sys.sva.mmExited(m)) !== 0) return void c.w.set(c.sys.ret(c.t), ESRCH);
      c.w.set(c.sys.sva.mmExited(m), 1);
      mmput(c, m);
      c.w.set(c.sys.ret(c.t), 0);
    },
  }],
});
