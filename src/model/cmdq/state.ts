// Owns the state of the SMMUv3-style command queue of each instance: its entries, the driver's prod (a plain
// shadow under the queue's spinlock), the consumer's cons (an MMIO register), the encodings of commands, and
// the hardware consumer actor that executes them in order; a CMD_SYNC is complete once the consumer has moved
// past it. Other subsystems may register extra command kinds (e.g. the vIOMMU's VMID-tagged TLBIs) with
// defineCommandKind. Issuing commands (lock, read prod, wait for space, insert, unlock): issue.ts.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import type { ActorDef, Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import { forgetDomainOnInstance, invalidatePage } from '../iotlb/state';
import { countPrinter, lockPrinter } from '../printers';

export const CMD_TLBI_VA = 1;
export const CMD_TLBI_ASID = 2;
export const CMD_SYNC = 3;

export interface CmdqFields {
  Q: number;
  slot: Index2;
  /** commands ever inserted / ever consumed (monotonic; a slot is prod % Q) */
  prod: Index1;
  cons: Index1;
  lock: Index1;
}

declare module '../system' {
  interface System {
    cq: CmdqFields;
  }
}

export function tlbiVa(d: number, p: number): number {
  return CMD_TLBI_VA | (d << 2) | (p << 5);
}

export function tlbiAsid(d: number): number {
  return CMD_TLBI_ASID | (d << 2);
}

/**
 * An extra command kind: encoded with the low two bits 0, its code (1..15) in bits 2..5 and a payload
 * above, so the three core encodings (and the states they give) are unchanged.
 */
export interface CommandKind {
  readonly code: number;
  /** what the consumer of instance i does when it reaches the command */
  execute(c: Ctx, i: number, payload: number): void;
  /** "TLBI_NH_ASID(vmid 0, asid 1)" */
  describe(payload: number): string;
}

const extraKinds: (CommandKind | undefined)[] = [];

export function defineCommandKind(k: CommandKind): void {
  if (!Number.isInteger(k.code) || k.code < 1 || k.code > 15) throw new Error(`command code ${k.code} out of range 1..15`);
  if (extraKinds[k.code]) throw new Error(`command code ${k.code} defined twice`);
  extraKinds[k.code] = k;
}

/** The encoding of an extra command: code in bits 2..5, payload (< 2^25) above. */
export function extraCmd(code: number, payload: number): number {
  return (code << 2) | (payload << 6);
}

function extraKind(cmd: number): CommandKind | undefined {
  return (cmd & 3) === 0 ? extraKinds[(cmd >> 2) & 15] : undefined;
}

export function describeCmd(cmd: number): string {
  const extra = extraKind(cmd);
  if (extra) return extra.describe(cmd >>> 6);
  const kind = cmd & 3, d = (cmd >> 2) & 7, p = cmd >> 5;
  if (kind === CMD_TLBI_VA) return `TLBI_VA(domain ${d}, page ${p})`;
  if (kind === CMD_TLBI_ASID) return `TLBI_ASID(domain ${d})`;
  return 'CMD_SYNC';
}

defineSubsystem({
  name: 'cmdq',
  declare(b: LayoutBuilder, sys: System) {
    const I = sys.scenario.instances.length;
    // a whole batch (every page of a gather + CMD_SYNC; a vIOMMU guest batch of 3) fits in an empty queue
    const Q = Math.max(sys.scenario.cmdqDepth ?? 4, sys.scenario.pages + 1, 3);
    // each slot an object of its own, prod and cons counters: the consumer executing one command and a
    // driver queueing into another slot commute, and a driver waiting for its CMD_SYNC conflicts only with
    // the consumer step that moves past it (footprints for partial-order reduction, world.ts)
    sys.cq = {
      Q,
      slot: b.matrix('cmdq.slot', I, Q, (i, k) => `cmdq[${i}].slot[${k}]`),
      prod: b.counter('cmdq.prod', I, (i) => `cmdq[${i}].prod`),
      cons: b.counter('cmdq.cons', I, (i) => `cmdq[${i}].cons`),
      lock: b.array('cmdq.lock', I, (i) => `cmdq[${i}].lock`),
    };
    b.access('cmdq.lock', 'lock');
    b.access('cmdq.cons', 'atomic'); // readl of the CONS register
    b.format('cmdq.slot', (v) => (v === 0 ? '-' : describeCmd(v)));
    b.print('cmdq.prod', countPrinter);
    b.print('cmdq.cons', countPrinter);
    b.print('cmdq.lock', lockPrinter);
  },
  actors: (sys) => sys.scenario.instances.map((_, i) => consumer(i)),
});

function consumer(i: number): ActorDef {
  return {
    name: `cmdq-consumer[${i}]`,
    atomic: 'the SMMU executes one command as one step: read the entry at cons, perform it, advance cons',
    choices(c, out) {
      const f = c.sys.cq;
      if (c.w.atLeast(f.prod(i), c.w.get(f.cons(i)) + 1)) out.push(0);
    },
    run(c) {
      const f = c.sys.cq;
      const cons = c.w.get(f.cons(i));
      const at = f.slot(i, cons % f.Q);
      const cmd = c.w.get(at);
      const kind = cmd & 3, d = (cmd >> 2) & 7, p = cmd >> 5;
      const extra = extraKind(cmd);
      if (extra) extra.execute(c, i, cmd >>> 6);
      else if (kind === CMD_TLBI_VA) invalidatePage(c, i, d, p);
      else if (kind === CMD_TLBI_ASID) forgetDomainOnInstance(c, i, d);
      c.w.set(at, 0);
      c.w.set(f.cons(i), cons + 1);
    },
    describe: (sys, _choice, before) => {
      const f = sys.cq;
      return `execute ${describeCmd(before[f.slot(i, before[f.cons(i)] % f.Q)])}`;
    },
  };
}
