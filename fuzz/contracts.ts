// Owns caller contracts: rules of an API that a kernel caller must follow, so that a program breaking one
// shows a bug of the caller, not of the stack, and the fuzzer does not generate it (the explorer's built-in
// scenarios follow them too). A subsystem whose callers are untrusted (the hypervisor's host) has none.
// A contract repairs a generated scenario by dropping the calls that break it; it never adds calls.
import type { OpCallSpec, ScenarioSpec } from '../src/model/scenario';
import { findOp } from '../src/model/ops';

export interface CallerContract {
  readonly name: string;
  readonly description: string;
  /** the scenario's thread programs with the offending calls removed */
  repair(sc: ScenarioSpec): ScenarioSpec['threads'];
}

const contracts: CallerContract[] = [];

export function defineContract(c: CallerContract): void {
  if (contracts.some((x) => x.name === c.name)) throw new Error(`contract ${c.name} defined twice`);
  contracts.push(c);
}

export function allContracts(): readonly CallerContract[] {
  return contracts;
}

/** The scenario with every contract applied (threads left without calls are dropped; one thread stays). */
export function applyContracts(sc: ScenarioSpec): ScenarioSpec {
  let out = sc;
  for (const c of contracts) out = { ...out, threads: c.repair(out) };
  const kept = out.threads.filter((t) => t.ops.length > 0);
  return { ...out, threads: kept.length ? kept : out.threads.slice(0, 1) };
}

/** The operation name and the value of one named-kind parameter of a call, if it has one. */
export function argOfKind(call: OpCallSpec, kind: string): { op: string; value: number } | null {
  const name = Array.isArray(call) ? call[0] : call.op;
  const def = typeof name === 'string' ? findOp(name) : undefined;
  if (!def) return null;
  const at = def.params.findIndex((p) => p.kind === kind);
  if (at < 0) return null;
  const v = Array.isArray(call) ? call[at + 1] : call[def.params[at].name];
  return typeof v === 'number' ? { op: def.name, value: v } : null;
}

// Paging domains (iommu_domain_free): the owner frees a domain only once nothing of its own uses it any more.
// Attach, detach, alloc and free look the domain up under its lock (so they may race a free), and a device's
// DMA reaches it only through its attachment; every other operation on a domain uses the owner's pointer.
const LOOKED_UP = new Set(['attach', 'detach', 'domain_alloc', 'domain_free', 'dma']);
defineContract({
  name: 'domain-owner-stops-before-free',
  description: 'a scenario that frees domain d reaches d only through attach, detach, alloc, free and device DMA',
  repair(sc) {
    const freed = new Set<number>();
    for (const t of sc.threads) for (const call of t.ops) {
      const a = argOfKind(call, 'domain');
      if (a?.op === 'domain_free') freed.add(a.value);
    }
    if (freed.size === 0) return sc.threads;
    return sc.threads.map((t) => ({
      ...t,
      ops: t.ops.filter((call) => {
        const a = argOfKind(call, 'domain');
        return !a || LOOKED_UP.has(a.op) || !freed.has(a.value);
      }),
    }));
  },
});

/** The ops through which a caller manages a domain's IOVA space itself, and the DMA API's. */
const RAW_MAP = new Set(['map', 'map_sync']);
const RAW_UNMAP = new Set(['unmap', 'unmap_sync']);
const RAW_SYNC = new Set(['iotlb_sync', 'flush_tlb_all', 'unmap_sync']);
const DMA_API = new Set(['dma_map', 'dma_unmap', 'fq_flush']);
const isRaw = (op: string) => RAW_MAP.has(op) || RAW_UNMAP.has(op);

/** The IOVA pages a raw map/unmap call covers (one page for map, the range for unmap). */
function rawPages(call: OpCallSpec): { op: string; d: number; pages: number[] } | null {
  const a = argOfKind(call, 'domain');
  if (!a || !isRaw(a.op)) return null;
  const p = argOfKind(call, 'page')!.value;
  const n = RAW_UNMAP.has(a.op) ? (argOfKind(call, 'pages')?.value ?? 1) : 1;
  return { op: a.op, d: a.value, pages: Array.from({ length: n }, (_, k) => p + k) };
}

// dma-iommu owns the IOVA space of a DMA-API domain; a driver that maps raw IOVAs into it (or a DMA-API user
// of a domain whose IOVAs a driver manages) breaks both. Each domain belongs to whichever kind uses it first
// (set-up, then threads in order); calls of the other kind are dropped.
defineContract({
  name: 'one-iova-manager-per-domain',
  description: 'a domain\'s IOVA space is managed either by raw map/unmap or by the DMA API (dma_map, dma_unmap, fq_flush), never both',
  repair(sc) {
    const kind = new Map<number, 'raw' | 'dma'>();
    const classify = (call: OpCallSpec): { d: number; k: 'raw' | 'dma' } | null => {
      const a = argOfKind(call, 'domain');
      if (!a) return null;
      if (isRaw(a.op)) return { d: a.value, k: 'raw' };
      if (DMA_API.has(a.op)) return { d: a.value, k: 'dma' };
      return null;
    };
    for (const call of [...(sc.setup ?? []), ...sc.threads.flatMap((t) => t.ops)]) {
      const c = classify(call);
      if (c && !kind.has(c.d)) kind.set(c.d, c.k);
    }
    return sc.threads.map((t) => ({ ...t, ops: t.ops.filter((call) => { const c = classify(call); return !c || kind.get(c.d) === c.k; }) }));
  },
});

// With the raw API, an IOVA page belongs to the thread that maps and unmaps it (the first thread whose raw
// calls cover it); and after unmapping it the owner syncs (iotlb_sync, flush_tlb_all or unmap_sync of the
// domain) before mapping it again, as iommu_unmap_fast + iommu_iotlb_sync require.
defineContract({
  name: 'iova-owner-syncs-before-reuse',
  description: 'one thread maps and unmaps each IOVA page, and syncs the domain between unmapping a page and mapping it again',
  repair(sc) {
    const owner = new Map<string, number>();
    sc.threads.forEach((t, i) => t.ops.forEach((call) => {
      const r = rawPages(call);
      if (r) for (const p of r.pages) if (!owner.has(`${r.d}/${p}`)) owner.set(`${r.d}/${p}`, i);
    }));
    return sc.threads.map((t, i) => {
      const pending = new Set<string>(); // pages this thread unmapped and has not synced yet
      return {
        ...t,
        ops: t.ops.filter((call) => {
          const r = rawPages(call);
          if (r) {
            const keys = r.pages.map((p) => `${r.d}/${p}`);
            if (keys.some((k) => owner.get(k) !== i)) return false;
            if (RAW_MAP.has(r.op) && keys.some((k) => pending.has(k))) return false;
            if (RAW_UNMAP.has(r.op)) keys.forEach((k) => pending.add(k));
          }
          const a = argOfKind(call, 'domain');
          if (a && RAW_SYNC.has(a.op)) for (const k of [...pending]) if (k.startsWith(`${a.value}/`)) pending.delete(k);
          return true;
        }),
      };
    });
  },
});
