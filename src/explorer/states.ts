// Owns the states a counterexample shows around its trace: the scenario's set-up as a short prologue (its
// configuration, the set-up operations and what they left in the state, the threads' programs), the state the
// trace starts from (the fields it touches) and the violating state (those fields and the ones the failed
// invariant read, marked read).
import type { Model, Violation } from '../model/model';
import type { FieldValue } from '../result/format';

/** The slots invariant `id` reads when checked on s (every slot its check looks at, in order). */
export function slotsReadBy(m: Model, id: string, s: Int32Array): number[] {
  const inv = m.invariants.find((i) => i.id === id);
  if (!inv) return [];
  const read = new Set<number>();
  const proxy = new Proxy(s, {
    get(target, prop) {
      if (typeof prop === 'string') {
        const i = +prop;
        if (Number.isInteger(i) && i >= 0 && i < target.length) {
          read.add(i);
          return target[i];
        }
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  inv.check(proxy, m);
  return [...read].sort((a, b) => a - b);
}

/** The scenario's set-up in words: configuration, set-up operations and what they changed, thread programs. */
export function prologueOf(m: Model, ghosts = false): string[] {
  const sc = m.scenario;
  const out = [`${sc.name}: ${sc.description}`];
  const devs = sc.devices.map((d, v) => `device ${v} behind instance ${d.instance} (group ${d.group})`).join(', ');
  const doms = sc.domains.map((d, k) => `domain ${k} for instance ${d.owner}${d.live === false ? ' (not allocated)' : ''}`).join(', ');
  if (sc.instances.length)
    out.push(`${sc.instances.length} IOMMU instance(s); ${devs || 'no devices'}; ${doms || 'no paging domains'}; ${sc.pages} IOVA page(s), ${sc.phys} physical page(s)`);
  if (m.setupTexts.length) out.push(`set-up (run to completion before the threads): ${m.setupTexts.join('; ')}`);
  const before = m.beforeSetup(), after = m.initial(), L = m.sys.layout;
  const left = m.changedSlots(before, after, ghosts).map((i) => `${L.slotNames[i]} = ${L.text(i, after[i])}`);
  if (left.length) out.push(`the set-up left: ${left.join(', ')}`);
  m.programs.forEach((ops, t) => out.push(`thread ${m.sys.threadName(t)}: ${ops.map((o) => o.text).join('; ') || '(nothing)'}`));
  return out;
}

/** The slots a trace changed (shown ones, ghosts included), in layout order. */
export function touchedSlots(m: Model, states: readonly Int32Array[]): number[] {
  const touched = new Set<number>();
  for (let k = 1; k < states.length; k++) for (const i of m.changedSlots(states[k - 1], states[k], true)) touched.add(i);
  return [...touched].sort((a, b) => a - b);
}

/** The given slots' values in s. */
export function valuesOf(m: Model, s: Int32Array, slots: readonly number[]): FieldValue[] {
  return slots.map((i) => m.sys.layout.value(s, i));
}

/** The violating state: the touched slots and those the invariant read (marked), in layout order. */
export function finalState(m: Model, s: Int32Array, touched: readonly number[], violation: Violation | null): FieldValue[] {
  const read = new Set(violation ? slotsReadBy(m, violation.invariant, s).filter((i) => m.shown(i)) : []);
  const slots = [...new Set([...touched, ...read])].sort((a, b) => a - b);
  return slots.map((i) => ({ ...m.sys.layout.value(s, i), ...(read.has(i) ? { read: true } : {}) }));
}
