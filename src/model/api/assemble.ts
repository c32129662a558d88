// Owns assembly: an operation's instruction list becomes the model's steps. Labels resolve to positions; a
// step runs one instruction and then every following instruction that touches no shared state (compares,
// jumps, locals), so a thread only ever stops before a shared access (Lipton's reduction: a thread-local
// instruction commutes with every other thread's, and no invariant sees a thread between two of them).
import type { Ctx, StepDef } from '../program';
import { DONE } from '../program';
import type { Instr, Item, Next } from './instr';

/** How many thread-local instructions one step may run before the model calls it a loop. */
const LOCAL_RUN_LIMIT = 1000;

export interface Assembled {
  readonly steps: StepDef[];
  readonly instrs: readonly Instr[];
  /** label -> instruction index */
  readonly labels: ReadonlyMap<string, number>;
}

export function assemble(items: readonly Item[], where: string): Assembled {
  const instrs: Instr[] = [];
  const labels = new Map<string, number>();
  for (const it of items) {
    if (it.kind === 'label') {
      if (labels.has(it.name)) throw new Error(`${where}: label '${it.name}' defined twice`);
      labels.set(it.name, instrs.length);
    } else instrs.push(it);
  }
  if (instrs.length === 0) throw new Error(`${where}: no steps`);
  for (const ins of instrs)
    if (ins.target !== undefined && !labels.has(ins.target)) throw new Error(`${where}: goto '${ins.target}', which is no label`);
  const n = instrs.length;
  const resolve = (r: Next, at: number): number => {
    if (r === undefined) return at + 1;
    if (typeof r === 'number') return r;
    const to = labels.get(r);
    if (to === undefined) throw new Error(`${where}: jump to unknown label '${r}' from '${instrs[at].label}'`);
    return to;
  };
  const steps: StepDef[] = instrs.map((ins, i) => ({
    label: ins.label,
    access: ins.access,
    atomic: ins.atomic,
    role: ins.role,
    hardware: ins.hardware,
    addr: ins.access === 'load' || ins.access === 'store' || ins.access === 'wait' ? ins.addr : undefined,
    lockName: ins.lockName,
    enabled: ins.enabled,
    run: (c: Ctx) => {
      let pc = resolve(ins.run(c), i);
      for (let k = 0; pc !== DONE && pc < n && instrs[pc].access === 'none'; k++) {
        if (k > LOCAL_RUN_LIMIT) throw new Error(`${where}: thread-local instructions loop at '${instrs[pc].label}'`);
        pc = resolve(instrs[pc].run(c), pc);
      }
      return pc >= n ? DONE : pc;
    },
  }));
  return { steps, instrs, labels };
}
