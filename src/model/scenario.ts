// Owns the scenario format: the dimensions of the emulated SoC, the starting set-up and each thread's
// program, as plain JSON-able data; and its validation, with errors that name the offending field.
import { allSubsystems } from './system';
import { fail, int, list } from './validate';

/** One call in a program: ["unmap", 0, 0, 1] or { "op": "unmap", "domain": 0, "iova": 0, "pages": 1 }. */
export type OpCallSpec = (string | number)[] | { op: string; [param: string]: string | number };

export interface ThreadSpec {
  name: string;
  ops: OpCallSpec[];
}

export interface ScenarioSpec {
  name: string;
  description: string;
  /** configuration id of each IOMMU instance; instances with equal ids can share a paging domain */
  instances: number[];
  /** each device sits behind one instance, in one group */
  devices: { instance: number; group: number }[];
  /** paging domains: the instance they were allocated for; live at start unless live: false */
  domains: { owner: number; live?: boolean }[];
  /** IOVA pages per domain (at most 8) */
  pages: number;
  /** physical pages (at most 15) */
  phys: number;
  /** command-queue slots per instance (default 4) */
  cmdqDepth?: number;
  /** let each instance's walker fill its IOTLB speculatively from any valid PTE (default false) */
  speculativeWalker?: boolean;
  /** operations run to completion, one thread at a time, before the exploration starts */
  setup?: OpCallSpec[];
  threads: ThreadSpec[];
  /** correct non-default variants that the default job also explores on this scenario */
  alternatives?: string[][];
  /** faulty variants this scenario exists to catch, with the invariant expected to catch each */
  catches?: { variant: string; invariant: string }[];
  /** subsystem sections (sva, ioasid, hyp, viommu...) read by their own modules */
  [section: string]: unknown;
}

export { ScenarioError } from './validate';

const CORE_KEYS = ['name', 'description', 'instances', 'devices', 'domains', 'pages', 'phys', 'cmdqDepth',
  'speculativeWalker', 'setup', 'threads', 'alternatives', 'catches'];

/** The most threads a scenario has, and the most operations one thread calls. */
export const MAX_THREADS = 8;
export const MAX_OPS_PER_THREAD = 32;

/** Checks the core shape of a scenario (ops are checked when the model compiles the programs). */
export function validateScenario(raw: unknown): ScenarioSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('', 'expected a JSON object');
  const s = raw as Record<string, unknown>;
  const name = typeof s.name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(s.name) ? s.name : fail('name', 'expected a kebab-case string');
  if (typeof s.description !== 'string') fail(`${name}.description`, 'expected a string');
  const instances = list(s.instances ?? [], `${name}.instances`, 0, 4).map((v, i) => int(v, `${name}.instances[${i}]`, 0, 15));
  const devices = list(s.devices ?? [], `${name}.devices`, 0, 8).map((d, i) => {
    const o = (d ?? {}) as Record<string, unknown>;
    return {
      instance: int(o.instance, `${name}.devices[${i}].instance`, 0, instances.length - 1),
      group: int(o.group, `${name}.devices[${i}].group`, 0, 7),
    };
  });
  const domains = list(s.domains ?? [], `${name}.domains`, 0, 4).map((d, i) => {
    const o = (d ?? {}) as Record<string, unknown>;
    if (o.live !== undefined && typeof o.live !== 'boolean') fail(`${name}.domains[${i}].live`, 'expected true or false');
    return { owner: int(o.owner, `${name}.domains[${i}].owner`, 0, instances.length - 1), live: o.live !== false };
  });
  const pages = int(s.pages ?? 1, `${name}.pages`, 1, 8);
  const phys = int(s.phys ?? 1, `${name}.phys`, 1, 15);
  const cmdqDepth = int(s.cmdqDepth ?? 4, `${name}.cmdqDepth`, 2, 16);
  if (s.speculativeWalker !== undefined && typeof s.speculativeWalker !== 'boolean')
    fail(`${name}.speculativeWalker`, 'expected true or false');
  const threads = list(s.threads, `${name}.threads`, 1, MAX_THREADS).map((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    if (typeof o.name !== 'string') fail(`${name}.threads[${i}].name`, 'expected a string');
    return { name: o.name, ops: list(o.ops, `${name}.threads[${i}].ops`, 0, MAX_OPS_PER_THREAD) as OpCallSpec[] };
  });
  const dup = threads.find((t, i) => threads.findIndex((u) => u.name === t.name) !== i);
  if (dup) fail(`${name}.threads`, `two threads are named '${dup.name}' (thread names must be unique)`);
  const setup = list(s.setup ?? [], `${name}.setup`, 0, 64) as OpCallSpec[];
  const sections = new Map(allSubsystems().filter((x) => x.section).map((x) => [x.section!, x]));
  for (const key of Object.keys(s)) {
    if (CORE_KEYS.includes(key)) continue;
    const sub = sections.get(key);
    if (!sub) fail(`${name}.${key}`, `unknown field (known: ${[...CORE_KEYS, ...sections.keys()].join(', ')})`);
    sub.validate?.(s[key], s as ScenarioSpec);
  }
  return { ...s, name, description: s.description, instances, devices, domains, pages, phys, cmdqDepth, threads, setup } as ScenarioSpec;
}
