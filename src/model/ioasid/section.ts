// Owns the scenario section `ioasid` of the IOASID (PASID) allocator: its fields (capacity, PASID values,
// sets with quotas, guest PASIDs per VM, notifier subscribers, threads in atomic context), their validation,
// and the section with its defaults filled in.
import type { ScenarioSpec } from '../scenario';
import type { System } from '../system';
import { fail, int } from '../validate';

export interface IoasidSection {
  capacity: number;
  pasids: number;
  sets: { quota: number }[];
  guestPasids: number;
  subscribers: ('iommu' | 'kvm')[];
  atomic: number[];
}

const KEYS = ['capacity', 'pasids', 'sets', 'guestPasids', 'subscribers', 'atomic'];
const SUBSCRIBERS = ['iommu', 'kvm'];

/** Checks the `ioasid` section (defaults are filled in when it is read, by section()). */
export function validateIoasid(raw: unknown, sc: ScenarioSpec): void {
  const at = `${sc.name}.ioasid`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at, 'expected an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`${at}.${k}`, `unknown field (known: ${KEYS.join(', ')})`);
  const capacity = int(o.capacity, `${at}.capacity`, 1, 8);
  int(o.pasids ?? capacity, `${at}.pasids`, capacity, 8);
  if (!Array.isArray(o.sets) || o.sets.length < 1 || o.sets.length > 4) fail(`${at}.sets`, 'expected a list of 1..4 sets (set 0 is the system set)');
  o.sets.forEach((s, i) => {
    const so = (s ?? {}) as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) fail(`${at}.sets[${i}]`, 'expected {"quota": n}');
    for (const k of Object.keys(so)) if (k !== 'quota') fail(`${at}.sets[${i}].${k}`, 'unknown field (known: quota)');
    int(so.quota, `${at}.sets[${i}].quota`, 0, capacity);
  });
  int(o.guestPasids ?? 1, `${at}.guestPasids`, 1, 4);
  const subs = o.subscribers ?? SUBSCRIBERS;
  if (!Array.isArray(subs)) fail(`${at}.subscribers`, `expected a list of ${SUBSCRIBERS.join(', ')}`);
  subs.forEach((v, i) => {
    if (!SUBSCRIBERS.includes(v as string)) fail(`${at}.subscribers[${i}]`, `expected one of ${SUBSCRIBERS.join(', ')}, got ${JSON.stringify(v)}`);
    if (subs.indexOf(v) !== i) fail(`${at}.subscribers[${i}]`, `${v} is listed twice`);
  });
  const atomic = o.atomic ?? [];
  if (!Array.isArray(atomic)) fail(`${at}.atomic`, 'expected a list of thread indices');
  const threads = Array.isArray(sc.threads) ? sc.threads.length : 0;
  atomic.forEach((v, i) => int(v, `${at}.atomic[${i}]`, 0, threads - 1));
}

/** The scenario's `ioasid` section (already validated) with its defaults filled in. */
export function section(sys: System): IoasidSection | undefined {
  const o = sys.scenario.ioasid as Partial<IoasidSection> | undefined;
  if (!o) return undefined;
  const capacity = o.capacity!;
  return {
    capacity, pasids: o.pasids ?? capacity, sets: o.sets!, guestPasids: o.guestPasids ?? 1,
    subscribers: o.subscribers ?? ['iommu', 'kvm'], atomic: o.atomic ?? [],
  };
}
