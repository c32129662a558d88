// Owns the state of the pKVM-style hypervisor IOMMU: the scenario's `hyp` section (validated, with
// defaults), and the fields the hypervisor keeps, each declared with the access class the hypervisor code
// gives it: per SMMU its lock, power_is_off, stream table and command queue (PROD/CONS are MMIO
// registers); the domain array (per SMMU, or one global array when domains are shared) with its refcount
// (a plain int under the lock, or an atomic_t in the refcounted mode); the pool of io-pgtable table pages
// (used, level, entries: PTEs are READ_ONCE/WRITE_ONCE/cmpxchg in io-pgtable-arm); the host stage-2 lock
// and, under it, the owner and DMA refcount of each memory page; and the ghosts the hyp invariants read.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import { describeHypCmd } from './commands';
import { defineSubsystem, type System } from '../system';
import type { ScenarioSpec } from '../scenario';
import { fail, int } from '../validate';
import { boolPrinter, codePrinter, countPrinter, enumPrinter, idPrinter, lockPrinter, setPrinter, threadPrinter } from '../printers';

export const OWNER_HOST = 1;
export const OWNER_HYP = 2;
export const OWNER_GUEST = 3;
const OWNERS: Record<string, number> = { host: OWNER_HOST, hyp: OWNER_HYP, guest: OWNER_GUEST };
export const ownerName = (o: number): string => Object.keys(OWNERS).find((k) => OWNERS[k] === o) ?? `owner ${o}`;

/** Domain slot states (the slot is zeroed, memset(domain, 0), when freed). */
export const DOM_FREE = 0;
export const DOM_LIVE = 1;

/** Table page levels: a domain's root (pgd, entries = table page + 1) or a leaf table (entries = page + 1). */
export const LEVEL_PGD = 1;
export const LEVEL_LEAF = 2;

/** Command-queue slots per SMMU (a ring): one command and its CMD_SYNC. */
export const HYP_CMDQ_SLOTS = 2;

export interface HypSettings {
  /** SMMUs the hypervisor owns */
  smmus: number;
  /** stream IDs (device endpoints) per SMMU */
  streams: number;
  /** domains per SMMU, or in total when sharedDomains */
  domains: number;
  /** domain IDs are global and one domain may be attached through several SMMUs */
  sharedDomains: boolean;
  /** level-1 entries per domain (each points to a leaf table page) */
  blocks: number;
  /** leaf entries per table page */
  blockPages: number;
  /** table pages in the hypervisor's io-pgtable pool */
  tablePages: number;
  /** owner of each memory page the host may name in a map: "host", "hyp" or "guest" */
  memory: string[];
  /** SMMUs that start powered off (boot: the hypervisor programs stream tables before enabling them) */
  poweredOff: number[];
}

const DEFAULTS: HypSettings = {
  smmus: 1, streams: 1, domains: 1, sharedDomains: false, blocks: 1, blockPages: 1, tablePages: 3, memory: ['host'], poweredOff: [],
};
const KEYS = Object.keys(DEFAULTS);

/** The validated settings of a `hyp` section (throws ScenarioError naming the field). */
export function parseHypSection(raw: unknown, scenarioName: string): HypSettings {
  const at = `${scenarioName}.hyp`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at, 'expected an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`${at}.${k}`, `unknown field (known: ${KEYS.join(', ')})`);
  const get = <K extends keyof HypSettings>(k: K): unknown => (o[k] === undefined ? DEFAULTS[k] : o[k]);
  if (typeof get('sharedDomains') !== 'boolean') fail(`${at}.sharedDomains`, 'expected true or false');
  const memory = get('memory');
  if (!Array.isArray(memory) || memory.length < 1 || memory.length > 6) fail(`${at}.memory`, 'expected a list of 1..6 page owners');
  memory.forEach((m, i) => {
    if (typeof m !== 'string' || !(m in OWNERS)) fail(`${at}.memory[${i}]`, `expected "host", "hyp" or "guest", got ${JSON.stringify(m)}`);
  });
  const off = get('poweredOff');
  if (!Array.isArray(off)) fail(`${at}.poweredOff`, 'expected a list of SMMU indices');
  const s: HypSettings = {
    smmus: int(get('smmus'), `${at}.smmus`, 1, 3),
    streams: int(get('streams'), `${at}.streams`, 1, 2),
    domains: int(get('domains'), `${at}.domains`, 1, 3),
    sharedDomains: get('sharedDomains') as boolean,
    blocks: int(get('blocks'), `${at}.blocks`, 1, 2),
    blockPages: int(get('blockPages'), `${at}.blockPages`, 1, 2),
    tablePages: int(get('tablePages'), `${at}.tablePages`, 1, 8),
    memory: memory as string[],
    poweredOff: [],
  };
  s.poweredOff = off.map((v, i) => int(v, `${at}.poweredOff[${i}]`, 0, s.smmus - 1));
  const domainSlots = s.sharedDomains ? s.domains : s.smmus * s.domains;
  if (domainSlots > 6) fail(`${at}.domains`, `${domainSlots} domain slots in all (at most 6)`);
  return s;
}

export interface HypFields {
  settings: HypSettings;
  /** SMMUs, stream IDs per SMMU, domain IDs per call, domain slots in all, blocks, leaf entries, table pages, memory pages */
  N: number;
  SID: number;
  D: number;
  G: number;
  B: number;
  L: number;
  K: number;
  X: number;
  /** entries per table page: max(blocks, blockPages) */
  E: number;
  shared: boolean;
  /** the global hypervisor IOMMU lock, iommu_lock (owner thread + 1) */
  lock: number;
  /** kvm_iommu_domain_lock: serialises alloc_domain and free_domain in the refcounted mode */
  domainAllocLock: number;
  /** host_mmu.lock: the host stage-2 lock, protecting page ownership and DMA refcounts */
  hostLock: number;
  /** iommu->lock of each SMMU */
  smmuLock: Index1;
  /** 1 = powered on (the hypervisor's power_is_off, inverted) */
  power: Index1;
  /** stream table entry: domain slot + 1 (0 = abort) */
  ste: Index2;
  cmdq: Index2;
  /** PROD and CONS registers: commands inserted / consumed since the queue was last empty (both reset to 0 once drained) */
  prod: Index1;
  cons: Index1;
  domState: Index1;
  domRefs: Index1;
  /** root table page + 1 */
  domPgd: Index1;
  domLock: Index1;
  tpUsed: Index1;
  tpLevel: Index1;
  tpEntry: Index2;
  /** ghost: thread + 1 that holds the table page privately (allocated, not yet installed; or detached, not yet freed) */
  tpHeld: Index1;
  pageOwner: Index1;
  /** DMA refcount of the page, hyp_page->refcount (one per leaf entry that maps it) */
  pageShares: Index1;
  /** ghost: first table page freed while already free, + 1 */
  doubleFree: number;
  /** ghost: first table page written while free, + 1 */
  uaf: number;
  /** ghost: first domain slot freed while still referenced, + 1, and its reference count then */
  freedInUse: number;
  freedRefs: number;
  /** ghost: first SMMU that accepted a command while powered off, + 1 */
  cmdOff: number;
  /**
   * ghost, per SMMU and domain slot: bitmask of the pages whose leaf entry an unmap cleared while the SMMU was on,
   * which its TLB may still translate to until a TLBI of the domain and a later CMD_SYNC have both executed
   */
  tlbStale: Index2;
  /** ghost: the part of tlbStale an executed TLBI covers, completed by the next executed CMD_SYNC */
  tlbInv: Index2;
  /** ghost, per SMMU and stream: the domain slot + 1 of a cleared STE the SMMU may still have cached (until CFGI_STE then CMD_SYNC) */
  steCache: Index2;
  /** ghost: 1 once a CFGI_STE of the stream executed, completed by the next executed CMD_SYNC */
  steInv: Index2;
  /** ghost: first page an unmap unshared while some powered-on SMMU's TLB could still translate to it, + 1 */
  staleUnshare: number;
  /** ghost, per domain slot: 1 from the free of its pgd to the memset that clears the slot (its pgd is dangling) */
  domDying: Index1;
}

declare module '../system' {
  interface System {
    hyp: HypFields;
  }
}

export function hypSettingsOf(sc: ScenarioSpec): HypSettings | undefined {
  return sc.hyp === undefined ? undefined : parseHypSection(sc.hyp, sc.name);
}

defineSubsystem({
  name: 'hyp',
  section: 'hyp',
  validate: (section, scenario) => void parseHypSection(section, scenario.name),
  declare(b: LayoutBuilder, sys: System) {
    const st = hypSettingsOf(sys.scenario);
    const on = st !== undefined;
    const s = st ?? DEFAULTS;
    const N = on ? s.smmus : 0, SID = s.streams, D = s.domains;
    const G = on ? (s.sharedDomains ? D : N * D) : 0;
    const K = on ? s.tablePages : 0, X = on ? s.memory.length : 0;
    const E = Math.max(s.blocks, s.blockPages);
    const lockless = on && sys.variants.of('hyp_lock').startsWith('hyp-lockless');
    const dom = (g: number) => `hdomain[${g}]`;
    const tp = (k: number) => `tpage[${k}]`;
    const page = (x: number) => `page[${x}]`;
    sys.hyp = {
      settings: s, N, SID, D, G, B: s.blocks, L: s.blockPages, K, X, E, shared: s.sharedDomains,
      lock: on ? b.scalar('hyp.lock') : -1,
      domainAllocLock: on ? b.scalar('hyp.domain_lock') : -1,
      hostLock: on ? b.scalar('host_mmu.lock') : -1,
      smmuLock: b.array('smmu.lock', N, (i) => `smmu[${i}].lock`),
      power: b.array('smmu.power', N, (i) => `smmu[${i}].power`),
      ste: b.matrix('smmu.ste', N, SID, (i, j) => `smmu[${i}].ste[${j}]`),
      cmdq: b.matrix('smmu.cmdq', N, HYP_CMDQ_SLOTS, (i) => `smmu[${i}].cmdq`),
      prod: b.array('smmu.cmdq.prod', N, (i) => `smmu[${i}].cmdq`),
      cons: b.array('smmu.cmdq.cons', N, (i) => `smmu[${i}].cmdq`),
      domState: b.array('hdomain.state', G, dom),
      domRefs: b.array('hdomain.refs', G, dom),
      domPgd: b.array('hdomain.pgd', G, dom),
      domLock: b.array('hdomain.lock', G, (g) => `hdomain[${g}].lock`),
      tpUsed: b.array('tpage.used', K, tp),
      tpLevel: b.array('tpage.level', K, tp),
      tpEntry: b.matrix('tpage.entry', K, E, (k, e) => `tpage[${k}].entry[${e}]`),
      tpHeld: b.array('ghost.tpage.held', K, tp),
      pageOwner: b.array('page.owner', X, page),
      pageShares: b.array('page.dma_shares', X, page),
      doubleFree: on ? b.scalar('ghost.hyp.double_free') : -1,
      uaf: on ? b.scalar('ghost.hyp.tpage_uaf') : -1,
      freedInUse: on ? b.scalar('ghost.hyp.freed_in_use', 'ghost.hyp.freed_in_use') : -1,
      freedRefs: on ? b.scalar('ghost.hyp.freed_refs', 'ghost.hyp.freed_in_use') : -1,
      cmdOff: on ? b.scalar('ghost.hyp.cmd_while_off') : -1,
      tlbStale: b.matrix('ghost.hyp.tlb_stale', N, G, (i) => `smmu[${i}].tlb`),
      tlbInv: b.matrix('ghost.hyp.tlb_inv', N, G, (i) => `smmu[${i}].tlb`),
      steCache: b.matrix('ghost.hyp.ste_cache', N, SID, (i, j) => `smmu[${i}].ste[${j}]`),
      steInv: b.matrix('ghost.hyp.ste_inv', N, SID, (i, j) => `smmu[${i}].ste[${j}]`),
      staleUnshare: on ? b.scalar('ghost.hyp.stale_unshare') : -1,
      domDying: b.array('ghost.hyp.dom_dying', G, dom),
    };
    for (const f of ['hyp.lock', 'hyp.domain_lock', 'host_mmu.lock', 'smmu.lock', 'hdomain.lock']) b.access(f, 'lock');
    // MMIO registers of the SMMU
    b.access('smmu.cmdq.prod', 'atomic');
    b.access('smmu.cmdq.cons', 'atomic');
    // a plain int under the lock (iommu_lock, iommu->lock, domain->lock), or atomic_t refs in the refcounted mode
    b.access('hdomain.refs', lockless ? 'atomic' : 'plain');
    // io-pgtable-arm reads PTEs with READ_ONCE, writes them with WRITE_ONCE and installs tables with cmpxchg64
    b.access('tpage.entry', 'atomic');
    // the page allocator's own state: an allocation or a free is one step of the allocator (pool.ts)
    b.access('tpage.used', 'atomic');
    // which pages are leaf tables: bookkeeping for the invariants (the code knows it from the walk)
    b.access('tpage.level', 'ghost');
    b.format('smmu.cmdq', describeHypCmd);
    b.format('hdomain.state', (v) => ['FREE', 'LIVE'][v] ?? String(v));
    b.format('page.owner', ownerName);
    for (const f of ['hyp.lock', 'hyp.domain_lock', 'host_mmu.lock', 'smmu.lock', 'hdomain.lock']) b.print(f, lockPrinter);
    for (const f of ['smmu.cmdq.prod', 'smmu.cmdq.cons', 'hdomain.refs', 'page.dma_shares', 'ghost.hyp.freed_refs']) b.print(f, countPrinter);
    b.print('smmu.power', codePrinter((v) => (v === 0 ? 'off' : 'on')));
    b.print('smmu.ste', idPrinter('hdomain', 'abort'));
    b.print('hdomain.pgd', idPrinter('tpage'));
    b.print('tpage.used', boolPrinter);
    b.print('tpage.level', enumPrinter(['-', 'pgd', 'leaf']));
    b.print('tpage.entry', idPrinter('->', 'empty'));
    b.print('ghost.tpage.held', threadPrinter);
    b.print('ghost.hyp.double_free', idPrinter('tpage'));
    b.print('ghost.hyp.tpage_uaf', idPrinter('tpage'));
    b.print('ghost.hyp.freed_in_use', idPrinter('hdomain'));
    b.print('ghost.hyp.cmd_while_off', idPrinter('smmu'));
    b.print('ghost.hyp.tlb_stale', setPrinter('block'));
    b.print('ghost.hyp.tlb_inv', setPrinter('block'));
    b.print('ghost.hyp.ste_cache', idPrinter('hdomain'));
    b.print('ghost.hyp.ste_inv', boolPrinter);
    b.print('ghost.hyp.stale_unshare', idPrinter('page'));
    b.print('ghost.hyp.dom_dying', boolPrinter);
  },
  initial(a, sys) {
    const h = sys.hyp;
    for (let i = 0; i < h.N; i++) a[h.power(i)] = h.settings.poweredOff.includes(i) ? 0 : 1;
    for (let x = 0; x < h.X; x++) a[h.pageOwner(x)] = OWNERS[h.settings.memory[x]];
  },
});

/** The domain slot that (smmu, domain id) names: one global array when shared, else one array per SMMU. */
export function domainSlot(h: HypFields, smmu: number, domain: number): number {
  return h.shared ? domain : smmu * h.D + domain;
}
