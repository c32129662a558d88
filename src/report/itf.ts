// Owns the ITF output (the Informal Trace Format of Apalache and Quint, ADR-015): each counterexample as a trace
// whose variables are the model's fields the trace touches (an array field as a map from its element to its
// value), plus the action taken and its actor; one state before the first step and one after each. Integers
// outside JavaScript's safe range are written as {"#bigint": "..."}.
import { changeName, type Counterexample } from '../result/format';
import { changesOf } from './changes';
import { stepLabel } from './swimlane';

export const ITF_SPEC = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

export type ItfValue = number | string | boolean | { '#bigint': string } | { '#tup': ItfValue[] } | { '#map': [ItfValue, ItfValue][] } | ItfValue[];

export interface ItfTrace {
  '#meta': Record<string, unknown>;
  vars: string[];
  states: ({ '#meta': { index: number } } & Record<string, unknown>)[];
}

export function itfInt(n: number | bigint): ItfValue {
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : { '#bigint': BigInt(n).toString() };
}

const INT = /^-?\d+$/;

/** "[0][1]" -> (0, 1); "[3]" -> 3; a structured element index stays a number. */
function elementOf(key: string, field: string): ItfValue {
  const parts = [...key.slice(field.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
  const one = (p: string): ItfValue => (INT.test(p) ? itfInt(Number(p)) : p);
  return parts.length === 1 ? one(parts[0]) : { '#tup': parts.map(one) };
}

interface Cell {
  field: string;
  element?: ItfValue;
  /** per state: raw number (structured trace) or printed text */
  values: (number | string)[];
}

function cellsOf(cx: Counterexample): Cell[] {
  const cells = new Map<string, Cell>();
  const initial = new Map((cx.initial ?? []).map((f) => [changeName(f), f.value]));
  cx.trace.forEach((t, i) => {
    for (const c of changesOf(t)) {
      let cell = cells.get(c.key);
      if (!cell) {
        const start = initial.get(c.key) ?? c.from ?? c.fromText;
        cell = { field: c.field, ...(c.key !== c.field ? { element: elementOf(c.key, c.field) } : {}), values: new Array<number | string>(i + 1).fill(start) };
        cells.set(c.key, cell);
      }
      while (cell.values.length <= i) cell.values.push(cell.values[cell.values.length - 1]);
      cell.values.push(c.to ?? c.toText);
    }
    for (const cell of cells.values()) while (cell.values.length < i + 2) cell.values.push(cell.values[cell.values.length - 1]);
  });
  return [...cells.values()];
}

/** A field's values as ITF: integers when every value is one, else the printed strings. */
function typed(cells: Cell[]): (v: number | string) => ItfValue {
  const ints = cells.every((c) => c.values.every((v) => typeof v === 'number' || INT.test(v)));
  return (v) => (ints ? itfInt(typeof v === 'number' ? v : Number(v)) : String(v));
}

export function renderItf(cx: Counterexample, source: string): ItfTrace {
  const cells = cellsOf(cx);
  const fields = [...new Set(cells.map((c) => c.field))].sort();
  const byField = new Map(fields.map((f) => [f, cells.filter((c) => c.field === f)]));
  const states = [];
  for (let s = 0; s <= cx.trace.length; s++) {
    const st: { '#meta': { index: number } } & Record<string, unknown> = { '#meta': { index: s } };
    for (const f of fields) {
      const cs = byField.get(f)!, val = typed(cs);
      st[f] = cs.length === 1 && cs[0].element === undefined ? val(cs[0].values[s]) : { '#map': cs.map((c) => [c.element ?? '', val(c.values[s])]) };
    }
    const t = s === 0 ? undefined : cx.trace[s - 1];
    st.action = t ? stepLabel(t) : 'init';
    st.actor = t ? t.thread : '';
    states.push(st);
  }
  return {
    '#meta': {
      format: 'ITF', 'format-description': ITF_SPEC, source,
      description: `iommu-check counterexample: ${cx.scenario.name} [${cx.variants.join('+') || 'default'}]${cx.violation ? ` violates ${cx.violation.invariant}: ${cx.violation.message}` : ' (no violation)'}`,
      ...(cx.violation ? { invariant: cx.violation.invariant } : {}),
    },
    vars: [...fields, 'action', 'actor'],
    states,
  };
}
