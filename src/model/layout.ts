// Owns the world layout: named fields of a flat Int32Array, their readable names and the shared object
// each slot belongs to (the unit of footprints for partial-order reduction and of trace diffs), and the
// threshold objects of counter slots (see counter()), and each field's access class (plain or atomic memory,
// a lock word, hardware-only state, a ghost, a thread's private register) that the granularity rule and the
// data-race check read, and how each field's values print (printers.ts).
import type { FieldChange, FieldValue } from '../result/format';
import { codePrinter, type PrintKind, type Printer, type ThreadNames } from './printers';

export type Index1 = (i: number) => number;
export type Index2 = (i: number, j: number) => number;
export type Index3 = (i: number, j: number, k: number) => number;

/**
 * Threshold objects per counter slot. "counter >= T" is object T mod THRESHOLDS of the counter's set: a write
 * that moves the counter across T writes it, a test of "counter >= T" reads it. Two thresholds that share an
 * object only add a conflict, never hide one.
 */
export const THRESHOLDS = 8;

/**
 * How a field is accessed, as the kernel code has it:
 * - plain: ordinary memory; two threads accessing it at once, one writing, is a data race (no-data-race)
 * - atomic: READ_ONCE/WRITE_ONCE, atomic_t, refcount_t, MMIO registers: marked accesses, never a race
 * - lock: a lock word (spinlock, mutex, rwsem); taken and released by the lock primitives only
 * - hw: state only hardware reaches (IOTLB entries, a walker's cache); a CPU step that writes it stands for
 *   the effect of the step's one real access (a fresh ASID has no entries), so it does not count as one
 * - ghost: bookkeeping for invariants, invisible to the code it observes
 * - local: a thread's private registers (program counter, locals, return value, its gather, preempt count)
 * Shared accesses are to plain, atomic and lock fields; a thread step makes at most one (granularity.ts).
 */
export type AccessClass = 'plain' | 'atomic' | 'lock' | 'hw' | 'ghost' | 'local';
export const ACCESS_CLASSES: readonly AccessClass[] = ['plain', 'atomic', 'lock', 'hw', 'ghost', 'local'];

/** How a slot is named in a trace and which shared object it belongs to. */
export interface SlotInfo {
  readonly name: string;
  readonly object: number;
}

export class LayoutBuilder {
  private readonly slotNames: string[] = [];
  /** per slot, its field's name (the slot's name without its indices) */
  private readonly slotFields: string[] = [];
  private readonly slotObjects: number[] = [];
  private readonly objectIds = new Map<string, number>();
  readonly objectNames: string[] = [];
  private readonly initial: number[] = [];
  /** per counter slot, the id of its first threshold object */
  private readonly thresholdBase = new Map<number, number>();
  private readonly printers = new Map<string, Printer>();
  private readonly classes = new Map<string, AccessClass>();

  get size(): number {
    return this.slotNames.length;
  }

  /** The id of a shared object (a domain's page table, an instance's IOTLB, a lock...). */
  object(name: string): number {
    let id = this.objectIds.get(name);
    if (id === undefined) {
      id = this.objectNames.length;
      this.objectIds.set(name, id);
      this.objectNames.push(name);
    }
    return id;
  }

  private alloc(field: string, name: string, object: string, init: number): number {
    const slot = this.slotNames.length;
    this.slotNames.push(name);
    this.slotFields.push(field);
    this.slotObjects.push(this.object(object));
    this.initial.push(init);
    return slot;
  }

  /** A single slot. */
  scalar(name: string, object: string = name, init = 0): number {
    return this.alloc(name, name, object, init);
  }

  /** name[i], i < n; objectOf(i) names the shared object slot i belongs to. */
  array(name: string, n: number, objectOf: (i: number) => string, init = 0): Index1 {
    const base = this.size;
    for (let i = 0; i < n; i++) this.alloc(name, `${name}[${i}]`, objectOf(i), init);
    return (i) => base + i;
  }

  /**
   * name[i], i < n: counters that never decrease (a command queue's prod and cons), which waiters compare
   * against a threshold. Besides its own object, each gets THRESHOLDS threshold objects, so that a step testing
   * "counter >= T" (World.atLeast) conflicts only with the writes that move the counter across T, not with
   * every write. No step may lower a counter (the tests check it over every built-in scenario): a cycle of
   * states then holds no step that changes one, which the livelock checks use (Model.makesProgress).
   */
  counter(name: string, n: number, objectOf: (i: number) => string, init = 0): Index1 {
    const at = this.array(name, n, objectOf, init);
    for (let i = 0; i < n; i++) {
      this.thresholdBase.set(at(i), this.objectNames.length);
      for (let k = 0; k < THRESHOLDS; k++) this.object(`${name}[${i}]>=${k} mod ${THRESHOLDS}`);
    }
    return at;
  }

  /** name[i][j], i < n, j < m. */
  matrix(name: string, n: number, m: number, objectOf: (i: number, j: number) => string, init = 0): Index2 {
    const base = this.size;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) this.alloc(name, `${name}[${i}][${j}]`, objectOf(i, j), init);
    return (i, j) => base + i * m + j;
  }

  /** name[i][j][k]. */
  cube(name: string, n: number, m: number, l: number, objectOf: (i: number, j: number, k: number) => string, init = 0): Index3 {
    const base = this.size;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) for (let k = 0; k < l; k++) this.alloc(name, `${name}[${i}][${j}][${k}]`, objectOf(i, j, k), init);
    return (i, j, k) => base + (i * m + j) * l + k;
  }

  /** Show the values of field `name` in traces through fmt (e.g. command encodings as their names). */
  format(name: string, fmt: (v: number) => string): void {
    this.printers.set(name, codePrinter(fmt));
  }

  /** Declare how the values of field `name` print in traces (every field declares one: printers.ts). */
  print(name: string, p: Printer): void {
    this.printers.set(name, p);
  }

  slotName(i: number): string {
    return this.slotNames[i];
  }

  /** The slots allocated so far whose field is plain (as declared up to now). */
  plainSlots(): number[] {
    const out: number[] = [];
    this.slotFields.forEach((f, i) => {
      if (this.classOf(f) === 'plain') out.push(i);
    });
    return out;
  }

  private classOf(field: string): AccessClass {
    return this.classes.get(field) ?? (field.startsWith('ghost.') ? 'ghost' : 'plain');
  }

  /**
   * Declare how field `name` is accessed (see AccessClass). Undeclared fields are plain, except those named
   * `ghost.*` (ghost).
   */
  access(name: string, cls: AccessClass): void {
    this.classes.set(name, cls);
  }

  /** threads: the scenario's thread names, which lock and thread printers name. */
  finish(threads: ThreadNames = []): Layout {
    const fmt = this.slotFields.map((f) => this.printers.get(f));
    const cls = Uint8Array.from(this.slotFields, (f) => ACCESS_CLASSES.indexOf(this.classOf(f)));
    const thresholds = new Int32Array(this.slotNames.length).fill(-1);
    for (const [slot, base] of this.thresholdBase) thresholds[slot] = base;
    return new Layout(this.slotNames, Int32Array.from(this.slotObjects), this.objectNames, Int32Array.from(this.initial), fmt, thresholds, cls, threads, this.slotFields);
  }
}

export class Layout {
  constructor(
    readonly slotNames: readonly string[],
    readonly slotObject: Int32Array,
    readonly objectNames: readonly string[],
    readonly initial: Int32Array,
    private readonly printers: readonly (Printer | undefined)[] = [],
    /** per slot, its first threshold object if it is a counter, else -1 */
    readonly thresholdBase: Int32Array = new Int32Array(slotNames.length).fill(-1),
    /** per slot, the index of its AccessClass in ACCESS_CLASSES */
    readonly slotClass: Uint8Array = new Uint8Array(slotNames.length),
    /** the scenario's thread names (lock holders, owning threads) */
    readonly threads: ThreadNames = [],
    /** per slot, its field's name (derived from the slot names when not given) */
    fieldNames?: readonly string[],
  ) {
    this.fieldNames = fieldNames ?? slotNames.map((n) => n.replace(/\[.*$/, ''));
    this.fieldBase = new Int32Array(slotNames.length);
    for (let i = 1; i < slotNames.length; i++)
      this.fieldBase[i] = this.fieldNames[i] === this.fieldNames[i - 1] ? this.fieldBase[i - 1] : i;
    this.counterSlots = Int32Array.from(Array.from(thresholdBase).flatMap((b, i) => (b >= 0 ? [i] : [])));
  }

  /** per slot, the first slot of its field (its element index is the difference) */
  private readonly fieldBase: Int32Array;
  /** per slot, its field's name (the slot's name without its indices) */
  private readonly fieldNames: readonly string[];

  /** the counter slots (LayoutBuilder.counter) */
  readonly counterSlots: Int32Array;

  get size(): number {
    return this.slotNames.length;
  }

  accessClass(slot: number): AccessClass {
    return ACCESS_CLASSES[this.slotClass[slot]];
  }

  /** Whether an access to slot counts as a shared access (plain, atomic or lock memory). */
  isShared(slot: number): boolean {
    return this.slotClass[slot] <= 2;
  }

  /** The field a slot belongs to: "domain.refs" for "domain.refs[1]". */
  fieldOf(slot: number): string {
    return this.fieldNames[slot];
  }

  /** The fields that declared no printer (their values print as raw numbers). */
  unprinted(): string[] {
    return [...new Set(this.slotNames.filter((_, i) => !this.printers[i]).map((n) => n.replace(/\[.*$/, '')))];
  }

  /** The printer kind slot's field declared (undefined: none, its values print as raw numbers). */
  printKind(slot: number): PrintKind | undefined {
    return this.printers[slot]?.kind;
  }

  /** How slot's value v reads, as its field declares (the raw number when it declares nothing). */
  text(slot: number, v: number): string {
    const p = this.printers[slot];
    return p ? p.text(v, this.threads) : String(v);
  }

  /** Whether a slot is a ghost (bookkeeping for the invariants). */
  isGhost(slot: number): boolean {
    return this.accessClass(slot) === 'ghost';
  }

  /** A slot's field, element (absent for a scalar) and printed name, as the result format has them. */
  private where(slot: number): { field: string; index?: number; slot: string } {
    const field = this.fieldOf(slot);
    const scalar = this.slotNames[slot] === field;
    return { field, ...(scalar ? {} : { index: slot - this.fieldBase[slot] }), slot: this.slotNames[slot] };
  }

  /** One slot's value in a state, printed. */
  value(s: Int32Array, slot: number): FieldValue {
    return { ...this.where(slot), value: s[slot], text: this.text(slot, s[slot]), ...(this.isGhost(slot) ? { ghost: true } : {}) };
  }

  /** One slot's change between two states, printed. */
  change(before: Int32Array, after: Int32Array, slot: number): FieldChange {
    return { ...this.where(slot), from: before[slot], to: after[slot], fromText: this.text(slot, before[slot]),
      toText: this.text(slot, after[slot]), ...(this.isGhost(slot) ? { ghost: true } : {}) };
  }

  /** The slots whose value differs between two states. */
  changedSlots(before: Int32Array, after: Int32Array): number[] {
    const out: number[] = [];
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) out.push(i);
    return out;
  }

  /** Slots whose value differs between two states, as `name: old -> new` in the fields' words. */
  diff(before: Int32Array, after: Int32Array): string[] {
    return this.changedSlots(before, after).map((i) => `${this.slotNames[i]}: ${this.text(i, before[i])} -> ${this.text(i, after[i])}`);
  }
}
