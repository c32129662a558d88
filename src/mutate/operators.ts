// Owns the mutation operators: mechanical changes to one operation's instruction list, each standing for a
// kind of patch that breaks a protocol — drop a lock/unlock pair, drop a wait, drop one queued invalidation,
// drop a refcount get or put, swap two adjacent steps, turn an atomic read-modify-write into a load and a store.
import type { Builder } from '../model/api/builder';
import type { Instr, Item } from '../model/api/instr';

export const OPERATORS = ['drop-lock', 'drop-wait', 'drop-invalidation', 'drop-get', 'drop-put', 'swap-steps', 'rmw-to-load-store'] as const;
export type Operator = (typeof OPERATORS)[number];

export const OPERATOR_TEXT: Record<Operator, string> = {
  'drop-lock': 'a lock and its unlocks removed',
  'drop-wait': 'a wait (CMD_SYNC completion, room in the queue, a condition) removed',
  'drop-invalidation': 'one queued invalidation left out',
  'drop-get': 'a refcount get removed',
  'drop-put': 'a refcount put removed',
  'swap-steps': 'two adjacent steps swapped',
  'rmw-to-load-store': 'an atomic read-modify-write made a plain load and store',
};

const isInstr = (it: Item): it is Instr => it.kind === 'instr';

/** The positions in items where the operator applies (one mutant each); for swap-steps, the first of the pair. */
export function sites(items: readonly Item[], op: Operator): number[] {
  const out: number[] = [];
  items.forEach((it, i) => {
    if (!isInstr(it)) return;
    switch (op) {
      case 'drop-lock': if (it.role === 'lock') out.push(i); break;
      case 'drop-wait': if (it.role === 'wait') out.push(i); break;
      case 'drop-invalidation': if (it.role === 'invalidate') out.push(i); break;
      case 'drop-get': if (it.role === 'get') out.push(i); break;
      case 'drop-put': if (it.role === 'put') out.push(i); break;
      case 'rmw-to-load-store': if (it.access === 'rmw') out.push(i); break;
      case 'swap-steps': {
        const next = items[i + 1];
        if (it.access !== 'none' && next && isInstr(next) && next.access !== 'none') out.push(i);
        break;
      }
    }
  });
  return out;
}

/** What the mutant at position i changes, as a trace would say it. */
export function siteLabel(items: readonly Item[], op: Operator, i: number): string {
  const it = items[i] as Instr;
  if (op === 'swap-steps') return `'${it.label}' <-> '${(items[i + 1] as Instr).label}'`;
  if (op === 'drop-lock') return `'${it.label}' and its unlocks`;
  return `'${it.label}'`;
}

/** items with the operator applied at position i (null when it cannot be: no free local for a load+store). */
export function mutate(items: readonly Item[], b: Builder, op: Operator, i: number): Item[] | null {
  const it = items[i] as Instr;
  const out = items.slice();
  switch (op) {
    case 'drop-lock': {
      const drop = new Set([i]);
      for (let j = i + 1; j < items.length; j++) {
        const x = items[j];
        if (!isInstr(x) || x.lockName !== it.lockName) continue;
        if (x.role === 'lock') break;
        if (x.role === 'unlock') drop.add(j);
      }
      return out.filter((_, j) => !drop.has(j));
    }
    case 'drop-invalidation':
      if (it.withoutOne) out[i] = it.withoutOne;
      else out.splice(i, 1);
      return out;
    case 'drop-wait':
    case 'drop-get':
    case 'drop-put':
      out.splice(i, 1);
      return out;
    case 'swap-steps':
      [out[i], out[i + 1]] = [out[i + 1], out[i]];
      return out;
    case 'rmw-to-load-store': {
      let old = it.into;
      if (!old) {
        try {
          old = b.local('mutant.old');
        } catch {
          return null;
        }
      }
      const tmp = old, addr = it.addr!, update = it.update!;
      out.splice(i, 1,
        b.load(`${it.label} (load)`, tmp, addr),
        b.step(`${it.label} (store)`, (c) => void c.w.set(addr(c), update(tmp.get(c), c)), undefined, it.role, 'store'));
      return out;
    }
  }
}
