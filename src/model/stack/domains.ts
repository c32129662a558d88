// Owns paging domains, devices and groups: domain alloc/free, attach/detach with the attach refcount,
// the rule that a domain only attaches to instances of its own configuration, and the use-after-free
// detector (a KASAN-like ghost) that every step touching a domain goes through.
import type { Index1, LayoutBuilder } from '../layout';
import type { Ctx, StepDef } from '../program';
import { defineSubsystem, type System } from '../system';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { lockStep, unlockStep } from '../locks';
import { EBUSY, EINVAL, ENODEV, ENOENT, EEXIST } from '../errno';
import { forgetDomainOnInstance } from './iotlb';

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
  /** attached devices, as the domain counts them */
  refs: Index1;
  lock: Index1;
  /** the domain a device is attached to, + 1 (0 = none) */
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
  },
  initial(a, sys) {
    sys.scenario.domains.forEach((d, i) => (a[sys.dom.state(i)] = d.live === false ? UNALLOCATED : LIVE));
  },
});

/** Every step that reads or writes a domain's memory calls this first (KASAN for the model). */
export function touchDomain(c: Ctx, d: number): boolean {
  const f = c.sys.dom;
  if (c.w.get(f.state(d)) === FREED) {
    if (c.w.get(f.uaf) === 0) c.w.set(f.uaf, d + 1);
    return false;
  }
  return true;
}

/** Bit mask of the instances through which some device is attached to domain d. */
export function servingInstances(c: Ctx, d: number): number {
  const f = c.sys.dom;
  let mask = 0;
  for (let v = 0; v < f.V; v++) if (c.w.get(f.devDomain(v)) === d + 1) mask |= 1 << f.devInstance[v];
  return mask;
}

defineVariants([
  { name: 'free-checks-attach-count', slot: 'domain_free', subsystem: 'domains', faulty: false, isDefault: true,
    description: 'domain_free fails with -EBUSY while devices are attached (checked under the domain lock)' },
  { name: 'free-ignores-attach-count', slot: 'domain_free', subsystem: 'domains', faulty: true,
    description: 'domain_free releases the domain even though devices are still attached to it' },
  { name: 'detach-single-put', slot: 'detach', subsystem: 'domains', faulty: false, isDefault: true,
    description: 'detach drops the domain attach refcount once' },
  { name: 'detach-double-put', slot: 'detach', subsystem: 'domains', faulty: true,
    description: 'detach drops the attach refcount twice (a put in both the release helper and its caller)' },
]);

defineOp({
  name: 'domain_alloc', subsystem: 'domains', description: 'allocate a paging domain (it must not be live yet)',
  params: [{ name: 'domain', kind: 'domain' }],
  build: () => [{
    label: 'allocate domain',
    run: (c) => {
      const f = c.sys.dom, d = c.args[0];
      if (c.w.get(f.state(d)) !== UNALLOCATED) return ret(c, EEXIST);
      c.w.set(f.state(d), LIVE);
      return ret(c, 0);
    },
  }],
});

defineOp({
  name: 'domain_free', subsystem: 'domains', description: 'free a paging domain; -EBUSY while devices are attached',
  params: [{ name: 'domain', kind: 'domain' }],
  build: (sys) => {
    const ignoreCount = sys.variants.is('free-ignores-attach-count');
    const lockOf = (c: Ctx) => c.sys.dom.lock(c.args[0]);
    return [
      lockStep('lock domain', lockOf),
      {
        label: 'release domain if unused',
        run: (c) => {
          const f = c.sys.dom, d = c.args[0];
          if (c.w.get(f.state(d)) !== LIVE) c.w.set(c.sys.ret(c.t), ENOENT);
          else if (!ignoreCount && c.w.get(f.refs(d)) > 0) c.w.set(c.sys.ret(c.t), EBUSY);
          else {
            c.w.set(f.state(d), FREED);
            c.w.set(c.sys.ret(c.t), 0);
          }
        },
      },
      unlockStep('unlock domain', lockOf),
    ];
  },
});

defineOp({
  name: 'attach', subsystem: 'domains',
  description: 'attach a device to a domain (same configuration of instance, group mates in the same domain)',
  params: [{ name: 'device', kind: 'device' }, { name: 'domain', kind: 'domain' }],
  build: () => {
    const group = (c: Ctx) => c.sys.dom.groupLock(c.sys.dom.devGroup[c.args[0]]);
    const dlock = (c: Ctx) => c.sys.dom.lock(c.args[1]);
    return [
      lockStep('lock group', group),
      lockStep('lock domain', dlock),
      { label: 'attach device', run: (c) => void c.w.set(c.sys.ret(c.t), attachBody(c)) },
      unlockStep('unlock domain', dlock),
      unlockStep('unlock group', group),
    ];
  },
});

function attachBody(c: Ctx): number {
  const f = c.sys.dom, v = c.args[0], d = c.args[1];
  if (c.w.get(f.state(d)) !== LIVE) return ENOENT; // the domain id no longer resolves
  const inst = f.devInstance[v];
  if (f.instanceConfig[inst] !== f.instanceConfig[f.owner[d]]) return EINVAL;
  if (c.w.get(f.devDomain(v)) !== 0) return EBUSY;
  for (let u = 0; u < f.V; u++) {
    const other = c.w.get(f.devDomain(u));
    if (u !== v && f.devGroup[u] === f.devGroup[v] && other !== 0 && other !== d + 1) return EBUSY;
  }
  if ((servingInstances(c, d) & (1 << inst)) === 0) forgetDomainOnInstance(c, inst, d); // fresh ASID on this instance
  c.w.set(f.devDomain(v), d + 1);
  c.w.add(f.refs(d), 1);
  return 0;
}

defineOp({
  name: 'detach', subsystem: 'domains', description: 'detach a device from its domain and drop the attach refcount',
  params: [{ name: 'device', kind: 'device' }],
  build: (sys) => {
    const puts = sys.variants.is('detach-double-put') ? 2 : 1;
    const group = (c: Ctx) => c.sys.dom.groupLock(c.sys.dom.devGroup[c.args[0]]);
    const dlock = (c: Ctx) => c.sys.dom.lock(c.w.get(c.sys.local(c.t, 0)));
    const steps: StepDef[] = [
      lockStep('lock group', group),
      {
        label: 'look up domain',
        run: (c) => {
          const d = c.w.get(c.sys.dom.devDomain(c.args[0])) - 1;
          if (d < 0) {
            c.w.set(c.sys.ret(c.t), ENODEV);
            return 5;
          }
          c.w.set(c.sys.local(c.t, 0), d);
        },
      },
      lockStep('lock domain', dlock),
      {
        label: 'detach device, put domain',
        run: (c) => {
          const f = c.sys.dom, d = c.w.get(c.sys.local(c.t, 0));
          c.w.set(f.devDomain(c.args[0]), 0);
          c.w.add(f.refs(d), -puts);
          c.w.set(c.sys.ret(c.t), 0);
        },
      },
      unlockStep('unlock domain', dlock),
      unlockStep('unlock group', group),
    ];
    return steps;
  },
});

function ret(c: Ctx, v: number): void {
  c.w.set(c.sys.ret(c.t), v);
}
