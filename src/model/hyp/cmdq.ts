// Owns each SMMU's command queue as the hypervisor driver drives it (arm-smmu-v3 hyp driver): smmu_add_cmd
// writes a command into the ring slot at PROD and publishes it with one PROD register write; smmu_send_cmd
// adds the command, then smmu_sync_cmd adds a CMD_SYNC and waits until CONS has caught up; a powered-off
// SMMU is sent nothing (smmu_sync_ste / smmu_tlb_inv_range_smmu check power_is_off under the SMMU's lock).
// Also the SMMU's consumer (hardware: one atomic step per command, only while powered on), the reset that
// power-on performs, and the ghost recording any command accepted while the SMMU is off.
import type { ActorDef, Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Instr, Item, Local } from '../api/instr';
import { defineSubsystem, type System } from '../system';
import { HYP_CMDQ_SLOTS } from './state';
import { HCMD_CFGI_STE, HCMD_SYNC, HCMD_TLBI, describeHypCmd } from './commands';

const INSERT_REASON =
  'smmu_add_cmd(): the command is written into the ring slot at PROD, then published by one PROD register write; ' +
  'the SMMU reads no slot before PROD covers it, so it sees the insertion as that one write';

/** smmu_add_cmd on SMMU smmu(c): waits while the ring is full (reading CONS), then inserts cmd(c). */
export function addCmd(b: Builder, label: string, smmu: (c: Ctx) => number, cmd: (c: Ctx) => number, invalidate = false): Instr {
  return b.atomic(label, INSERT_REASON, (c) => {
    const h = c.sys.hyp, i = smmu(c);
    // bookkeeping: a powered-off SMMU must never be sent a command
    if (c.w.peek(h.power(i)) === 0 && c.w.get(h.cmdOff) === 0) c.w.set(h.cmdOff, i + 1);
    const prod = c.w.get(h.prod(i));
    c.w.set(h.cmdq(i, prod % HYP_CMDQ_SLOTS), cmd(c));
    c.w.set(h.prod(i), prod + 1);
  }, (c) => {
    const h = c.sys.hyp, i = smmu(c);
    return c.w.get(h.prod(i)) - c.w.get(h.cons(i)) < HYP_CMDQ_SLOTS;
  }, invalidate ? 'invalidate' : undefined);
}

/**
 * smmu_send_cmd after the caller's power check: the command, a CMD_SYNC, then wait for the SMMU to consume
 * them (the queue is empty again). The caller holds the lock that protects the queue. When `power` is given,
 * first load power_is_off into it and skip everything on a powered-off SMMU; else the caller already did.
 */
export function sendWithSync(b: Builder, p: string, what: string, smmu: (c: Ctx) => number, cmd: (c: Ctx) => number,
  power: Local, loadPower: boolean): Item[] {
  return [
    ...(loadPower ? [b.load('read smmu->iommu.power_is_off', power, (c) => c.sys.hyp.power(smmu(c)))] : []),
    b.jumpIf((c) => power.get(c) === 0, `${p}.off`),
    addCmd(b, `smmu_add_cmd(${what})`, smmu, cmd, what.startsWith('TLBI')),
    addCmd(b, 'smmu_add_cmd(CMD_SYNC)', smmu, () => HCMD_SYNC),
    b.waitUntil('smmu_wait_event(smmu_cmdq_empty)', (c) => c.w.get(c.sys.hyp.prod(smmu(c))) === 0),
    b.label(`${p}.off`),
  ];
}

const RESET_REASON =
  'hardware: smmu_reset_device()\'s register writes make the SMMU start over with an empty queue (and, in hardware, ' +
  'clean TLBs and configuration caches); the model performs the reset at once';

/** The reset that power-on performs (resume): an empty queue (and, in hardware, invalidated TLBs and caches). */
export function resetSmmu(b: Builder, smmu: (c: Ctx) => number): Instr {
  return b.atomic('smmu_reset_device() (resume)', RESET_REASON, (c) => {
    const h = c.sys.hyp, i = smmu(c);
    for (let k = 0; k < HYP_CMDQ_SLOTS; k++) c.w.set(h.cmdq(i, k), 0);
    c.w.set(h.prod(i), 0);
    c.w.set(h.cons(i), 0);
    // ghost: the reset invalidates the TLBs and configuration caches
    for (let g = 0; g < h.G; g++) (c.w.set(h.tlbStale(i, g), 0), c.w.set(h.tlbInv(i, g), 0));
    for (let j = 0; j < h.SID; j++) (c.w.set(h.steCache(i, j), 0), c.w.set(h.steInv(i, j), 0));
  });
}

/**
 * Ghost of what an executed command does to the SMMU's caches: a TLBI or CFGI_STE starts the invalidation of
 * what it covers, and only a later CMD_SYNC guarantees it has completed (the SMMU may still use the old
 * translation or configuration until then).
 */
function executeGhost(c: Ctx, i: number, cmd: number): void {
  const h = c.sys.hyp, kind = cmd & 3, arg = cmd >> 2;
  if (kind === HCMD_TLBI) c.w.set(h.tlbInv(i, arg), c.w.get(h.tlbInv(i, arg)) | c.w.get(h.tlbStale(i, arg)));
  else if (kind === HCMD_CFGI_STE) c.w.set(h.steInv(i, arg), c.w.get(h.steCache(i, arg)) !== 0 ? 1 : 0);
  else if (kind === HCMD_SYNC) {
    for (let g = 0; g < h.G; g++) {
      const inv = c.w.get(h.tlbInv(i, g));
      if (inv) (c.w.set(h.tlbStale(i, g), c.w.get(h.tlbStale(i, g)) & ~inv), c.w.set(h.tlbInv(i, g), 0));
    }
    for (let j = 0; j < h.SID; j++) if (c.w.get(h.steInv(i, j))) (c.w.set(h.steCache(i, j), 0), c.w.set(h.steInv(i, j), 0));
  }
}

function consumer(i: number): ActorDef {
  return {
    name: `smmu-cmdq[${i}]`,
    atomic: 'hardware: the SMMU fetches the command at CONS, executes it and advances CONS (resetting both pointers once the queue is empty)',
    choices(c, out) {
      const h = c.sys.hyp;
      if (c.w.get(h.power(i)) !== 0 && c.w.get(h.cons(i)) < c.w.get(h.prod(i))) out.push(0);
    },
    run(c) {
      const h = c.sys.hyp;
      const cons = c.w.get(h.cons(i));
      executeGhost(c, i, c.w.get(h.cmdq(i, cons % HYP_CMDQ_SLOTS)));
      c.w.set(h.cmdq(i, cons % HYP_CMDQ_SLOTS), 0);
      if (cons + 1 === c.w.get(h.prod(i))) {
        c.w.set(h.prod(i), 0);
        c.w.set(h.cons(i), 0);
      } else c.w.set(h.cons(i), cons + 1);
    },
    describe: (sys, _choice, before) => `execute ${describeHypCmd(before[sys.hyp.cmdq(i, before[sys.hyp.cons(i)] % HYP_CMDQ_SLOTS)])}`,
  };
}

defineSubsystem({
  name: 'hyp-cmdq',
  declare() {},
  actors: (sys: System) => Array.from({ length: sys.hyp.N }, (_, i) => consumer(i)),
});
