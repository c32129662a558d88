// Owns each SMMU's command queue as the hypervisor drives it: a command (TLBI of a domain, or CFGI of a
// stream table entry) followed by a CMD_SYNC, inserted into an empty queue and waited for; the SMMU's
// consumer actor, which runs only while the SMMU is powered on; and the rule that a powered-off SMMU
// is sent no command (it is reset, TLBs included, when powered on) - the ghost records any that is.
import type { ActorDef, Ctx, StepDef } from '../program';
import { defineSubsystem, type System } from '../system';
import { HYP_CMDQ_SLOTS } from './hyp-state';

export const HCMD_TLBI = 1;
export const HCMD_CFGI_STE = 2;
export const HCMD_SYNC = 3;

export const hypTlbi = (g: number): number => HCMD_TLBI | (g << 2);
export const hypCfgi = (sid: number): number => HCMD_CFGI_STE | (sid << 2);

export function describeHypCmd(cmd: number): string {
  const kind = cmd & 3, arg = cmd >> 2;
  if (kind === HCMD_TLBI) return `TLBI_VMID(domain slot ${arg})`;
  if (kind === HCMD_CFGI_STE) return `CFGI_STE(sid ${arg})`;
  if (kind === HCMD_SYNC) return 'CMD_SYNC';
  return 'nothing';
}

export function queueEmpty(c: Ctx, i: number): boolean {
  return c.w.get(c.sys.hyp.prod(i)) === 0;
}

/** Insert cmd + CMD_SYNC into SMMU i's empty queue (the caller holds what protects it). */
export function insertWithSync(c: Ctx, i: number, cmd: number): void {
  const h = c.sys.hyp;
  if (c.w.get(h.power(i)) === 0 && c.w.get(h.cmdOff) === 0) c.w.set(h.cmdOff, i + 1);
  c.w.set(h.cmdq(i, 0), cmd);
  c.w.set(h.cmdq(i, 1), HCMD_SYNC);
  c.w.set(h.prod(i), 2);
}

/** Power-on resets the SMMU: empty queue (and, in hardware, invalidated TLBs and caches). */
export function resetQueue(c: Ctx, i: number): void {
  const h = c.sys.hyp;
  for (let k = 0; k < HYP_CMDQ_SLOTS; k++) c.w.set(h.cmdq(i, k), 0);
  c.w.set(h.prod(i), 0);
  c.w.set(h.cons(i), 0);
}

function consumer(i: number): ActorDef {
  return {
    name: `smmu-cmdq[${i}]`,
    choices(c, out) {
      const h = c.sys.hyp;
      if (c.w.get(h.power(i)) !== 0 && c.w.get(h.cons(i)) < c.w.get(h.prod(i))) out.push(0);
    },
    run(c) {
      const h = c.sys.hyp;
      const cons = c.w.get(h.cons(i));
      c.w.set(h.cmdq(i, cons), 0);
      if (cons + 1 === c.w.get(h.prod(i))) {
        c.w.set(h.prod(i), 0);
        c.w.set(h.cons(i), 0);
      } else c.w.set(h.cons(i), cons + 1);
    },
    describe: (sys, _choice, before) => `execute ${describeHypCmd(before[sys.hyp.cmdq(i, before[sys.hyp.cons(i)])])}`,
  };
}

defineSubsystem({
  name: 'hyp-cmdq',
  declare() {},
  actors: (sys: System) => Array.from({ length: sys.hyp.N }, (_, i) => consumer(i)),
});

/**
 * The steps that send one command + CMD_SYNC to SMMU smmu(c) and wait for it. Skipped when the SMMU is
 * powered off, as judged by powered(c) (by default: its power state now, read under the caller's lock).
 */
export function issueSteps(label: string, smmu: (c: Ctx) => number, cmd: (c: Ctx) => number, after: () => number,
  powered: (c: Ctx) => boolean = (c) => c.w.get(c.sys.hyp.power(smmu(c))) !== 0): StepDef[] {
  return [
    {
      label: `queue ${label} + CMD_SYNC`,
      enabled: (c) => queueEmpty(c, smmu(c)),
      run: (c) => {
        if (!powered(c)) return after();
        insertWithSync(c, smmu(c), cmd(c));
      },
    },
    { label: 'wait for CMD_SYNC', enabled: (c) => queueEmpty(c, smmu(c)), run: () => undefined },
  ];
}
