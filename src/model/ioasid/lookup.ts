// Owns the way in of the IOASID operations on one PASID: take ioasid_allocator_lock, resolve the argument (-1:
// this thread's last allocation; -EINVAL when there is none), and xa_load it (-ENOENT when absent).
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import type { Ctx } from '../program';
import type { System } from '../system';
import { allocatorLock } from './lock';
import { ias, resolvePasid } from './state';

/** The lock, the resolve and the xa_load: `p` gets the PASID, `v` the xarray entry; jumps to 'einval' / 'enoent'. */
export function lockAndLookUp(b: Builder, sys: System, arg: (c: Ctx) => number, p: Local, v: Local): Item[] {
  return [
    allocatorLock(b, sys),
    b.compute('resolve pasid', (c) => {
      p.set(c, resolvePasid(c, arg(c)));
      return p.get(c) < 0 ? 'einval' : undefined;
    }),
    // ioasid_get_locked / ioasid_free_locked
    b.load('xa_load(&active_allocator->xa, ioasid)', v, (c) => ias(c).xa(p.get(c))),
    b.jumpIf((c) => v.get(c) === 0, 'enoent'),
  ];
}
