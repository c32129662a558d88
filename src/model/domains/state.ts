// Owns the state of paging domains, devices and groups: each domain's lifetime state, attach refcount and
// lock, each device's attached domain, each group's mutex; the KASAN-like use-after-free ghost every step
// touching a domain goes through; and which instances serve a domain.
import type { Index1, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import { countPrinter, idPrinter, lockPrinter } from '../printers';

export const UNALLOCATED = 0;
export const LIVE = 1;
export const FREED = 2;

export interface DomainFields {
  D: number;
  V: number;
  G: number;
  I: number;
  /** UNALLOCATED, LIVE or FREED */
  state: Index1;
  /** attached devices, as the domain counts them (a plain int under the domain lock) */
  refs: Index1;
  /** the domain's mutex */
  lock: Index1;
  /** the domain a device is attached to, + 1 (0 = none): its STE, written under the group mutex */
  devDomain: Index1;
  groupLock: Index1;
  /** ghost: first domain touched after its free, + 1 */
  uaf: number;
  owner: readonly number[];
  devInstance: readonly number[];
  devGroup: readonly number[];
  instanceConfig: readonly number[];
}

declare module '../system' {
  interface System {
    dom: DomainFields;
  }
}

const STATE_NAMES = ['UNALLOCATED', 'LIVE', 'FREED'];

defineSubsystem({
  name: 'domains',
  declare(b: LayoutBuilder, sys: System) {
    const sc = sys.scenario;
    const D = sc.domains.length, V = sc.devices.length, I = sc.instances.length;
    const G = sc.devices.reduce((m, d) => Math.max(m, d.group + 1), 0);
    sys.dom = {
      D, V, G, I,
      state: b.array('domain.state', D, (d) => `domain[${d}]`),
      refs: b.array('domain.refs', D, (d) => `domain[${d}].refs`),
      lock: b.array('domain.lock', D, (d) => `domain[${d}].lock`),
      devDomain: b.array('device.domain', V, (v) => `device[${v}]`),
      groupLock: b.array('group.mutex', G, (g) => `group[${g}].mutex`),
      uaf: b.scalar('ghost.uaf'),
      owner: sc.domains.map((d) => d.owner),
      devInstance: sc.devices.map((d) => d.instance),
      devGroup: sc.devices.map((d) => d.group),
      instanceConfig: sc.instances,
    };
    b.access('domain.lock', 'lock');
    b.access('group.mutex', 'lock');
    b.access('device.domain', 'atomic');
    b.access('domain.state', 'atomic'); // the domain's presence in the ID table: xa_load/xa_store, as iommufd looks objects up // the STE: written with WRITE_ONCE, read locklessly by flushes and the SMMU
    b.format('domain.state', (v) => STATE_NAMES[v] ?? String(v));
    b.print('domain.refs', countPrinter);
    b.print('domain.lock', lockPrinter);
    b.print('group.mutex', lockPrinter);
    b.print('device.domain', idPrinter('domain'));
    b.print('ghost.uaf', idPrinter('domain'));
  },
  initial(a, sys) {
    sys.scenario.domains.forEach((d, i) => (a[sys.dom.state(i)] = d.live === false ? UNALLOCATED : LIVE));
  },
});

/**
 * Every step that reads or writes a domain's memory calls this first (KASAN for the model): a shadow check,
 * not one of the step's accesses.
 */
export function touchDomain(c: Ctx, d: number): boolean {
  const f = c.sys.dom;
  if (c.w.peek(f.state(d)) === FREED) {
    if (c.w.get(f.uaf) === 0) c.w.set(f.uaf, d + 1);
    return false;
  }
  return true;
}

/** Bit mask of the instances through which some device is attached to domain d (one load per device). */
export function servingInstances(c: Ctx, d: number): number {
  const f = c.sys.dom;
  let mask = 0;
  for (let v = 0; v < f.V; v++) if (c.w.get(f.devDomain(v)) === d + 1) mask |= 1 << f.devInstance[v];
  return mask;
}

/** servingInstances as model bookkeeping (which ASIDs an instance holds): in the footprint, not an access. */
export function servingInstancesPeek(c: Ctx, d: number): number {
  const f = c.sys.dom;
  let mask = 0;
  for (let v = 0; v < f.V; v++) if (c.w.peek(f.devDomain(v)) === d + 1) mask |= 1 << f.devInstance[v];
  return mask;
}
