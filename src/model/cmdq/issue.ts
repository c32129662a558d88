// Owns issuing commands to an instance's queue, as step-builder fragments in the order of the SMMUv3 driver
// before its lockless queue (arm_smmu_cmdq_issue_cmd): spin_lock the queue, read the prod shadow, wait until
// the CONS register shows room, write the entries and publish prod (one insertion: the consumer reads no entry
// until prod moves past it), spin_unlock; a CMD_SYNC's issuer then polls CONS until the consumer is past it.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Instr, Item, Local } from '../api/instr';
import { CMD_SYNC } from './state';

export interface IssueSpec {
  /** which instance's queue */
  instance: (c: Ctx) => number;
  /** how many commands this insertion writes */
  count: (c: Ctx) => number;
  /** the commands, in queue order (CMD_SYNC last, when there is one) */
  commands: (c: Ctx, put: (cmd: number) => void) => void;
  /** "TLBIs of the gather + CMD_SYNC": shown in traces */
  what: string;
  /** receives prod (read under the lock), then the position just after the last command inserted */
  prod: Local;
  /** false when the insertion invalidates nothing (a lone CMD_SYNC): it is then no drop-invalidation site */
  invalidates?: boolean;
}

/** Lock the queue, read prod, wait for room, insert, unlock: prod then holds the end of what was inserted. */
export function issueCommands(b: Builder, s: IssueSpec): Item[] {
  const lock = (c: Ctx) => c.sys.cq.lock(s.instance(c));
  return [
    b.spinLock('spin_lock(cmdq->lock)', lock, 'cmdq->lock'),
    b.load('read cmdq prod', s.prod, (c) => c.sys.cq.prod(s.instance(c))),
    b.waitUntil('wait for room (read CONS)', (c) => {
      const f = c.sys.cq;
      return c.w.atLeast(f.cons(s.instance(c)), s.prod.get(c) + s.count(c) - f.Q);
    }, 'wait', (c) => c.sys.cq.cons(s.instance(c))),
    s.invalidates === false ? { ...insertion(b, s, false), role: undefined } : { ...insertion(b, s, false), withoutOne: insertion(b, s, true) },
    b.spinUnlock('spin_unlock(cmdq->lock)', lock, 'cmdq->lock'),
  ];
}

/** Write the commands at prod and publish them; `dropFirst` leaves out the first invalidation (a mutant's). */
function insertion(b: Builder, s: IssueSpec, dropFirst: boolean): Instr {
  return b.atomic(`queue ${s.what}`, 'one insertion: the consumer reads no entry before the prod write that publishes them', (c) => {
    const f = c.sys.cq, i = s.instance(c);
    let prod = s.prod.get(c), skip = dropFirst;
    s.commands(c, (cmd) => {
      if (skip && cmd !== CMD_SYNC) {
        skip = false;
        return;
      }
      c.w.set(f.slot(i, prod % f.Q), cmd);
      prod++;
    });
    c.w.set(f.prod(i), prod);
    s.prod.set(c, prod);
  }, undefined, 'invalidate');
}

/** Poll CONS until the consumer has executed everything before position `target` (the CMD_SYNC included). */
export function waitForSync(b: Builder, instance: (c: Ctx) => number, target: Local): Item {
  return b.waitUntil('wait for CMD_SYNC (poll CONS)', (c) => c.w.atLeast(c.sys.cq.cons(instance(c)), target.get(c)), 'wait',
    (c) => c.sys.cq.cons(instance(c)));
}
