// Owns how a field's values read in a trace: the printer kinds a layout field declares (a lock word -> its
// holder's name, an id stored + 1 -> the id, an enum -> its names, a count, a yes/no flag, a thread + 1 -> its
// name, a bit set -> its members, an encoded word -> a decoder) and the thread names they need (given by the scenario).
import { RWSEM_READERS, RWSEM_WRITER } from './api/lockword';

export type PrintKind = 'lock' | 'id' | 'enum' | 'count' | 'bool' | 'thread' | 'set' | 'code';

/** The thread names a printer may need (lock holders, owning threads). */
export type ThreadNames = readonly string[];

export interface Printer {
  readonly kind: PrintKind;
  text(v: number, threads: ThreadNames): string;
}

const threadOf = (t: number, threads: ThreadNames) => threads[t] ?? `thread ${t}`;

/** A lock word (lockword.ts): free, held by a thread, or read-held by some threads. */
export const lockPrinter: Printer = {
  kind: 'lock',
  text(v, threads) {
    if (v === 0) return 'free';
    if ((v & RWSEM_READERS) !== 0) {
      const readers = threads.map((n, t) => ((v & (1 << t)) !== 0 ? n : '')).filter(Boolean);
      return `read by ${readers.join(', ') || '?'}`;
    }
    return `held by ${threadOf((v & ~RWSEM_WRITER) - 1, threads)}`;
  },
};

/** An id stored + 1 (0 = none): `what k` as the user wrote k, or `none` (or the given word for 0). */
export function idPrinter(what: string, none = 'none'): Printer {
  return { kind: 'id', text: (v) => (v === 0 ? none : `${what} ${v - 1}`) };
}

/** An enum: its names by value. */
export function enumPrinter(names: readonly string[]): Printer {
  return { kind: 'enum', text: (v) => names[v] ?? `?${v}` };
}

/** A count (references, users, a queue index): the number. */
export const countPrinter: Printer = { kind: 'count', text: (v) => String(v) };

/** A flag: yes / no. */
export const boolPrinter: Printer = { kind: 'bool', text: (v) => (v === 0 ? 'no' : v === 1 ? 'yes' : `yes (${v})`) };

/** A thread stored + 1 (0 = none): its name. */
export const threadPrinter: Printer = { kind: 'thread', text: (v, threads) => (v === 0 ? 'none' : threadOf(v - 1, threads)) };

/** An encoded word (a command, an owner): decoded by fn. */
export function codePrinter(fn: (v: number) => string): Printer {
  return { kind: 'code', text: (v) => fn(v) };
}

/** A bit set of ids (bit k = `what k`): its members, or `none`. */
export function setPrinter(what: string): Printer {
  return { kind: 'set', text: (v) => (v === 0 ? 'none' : bits(v).map((k) => `${what} ${k}`).join(', ')) };
}

/** A bit set of threads (bit t = thread t): their names, or `none`. */
export const threadSetPrinter: Printer = {
  kind: 'set',
  text: (v, threads) => (v === 0 ? 'none' : bits(v).map((t) => threadOf(t, threads)).join(', ')),
};

function bits(v: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < 31; k++) if ((v & (1 << k)) !== 0) out.push(k);
  return out;
}
