// Owns TLB invalidation through the hypervisor's command queues: the host's iotlb_inv hypercall (TLBI +
// CMD_SYNC on one SMMU, skipped while it is powered off: smmu_tlb_inv_range_smmu reads power_is_off under
// the SMMU's lock), its faulty variant that reads power_is_off before taking the lock, and the invalidation
// an unmap performs (smmu_tlb_inv_range: the domain's SMMU, or every SMMU when domains are shared; the
// faulty per-IOMMU variant that nests the other SMMUs' locks inside its own).
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { hypTlbi } from './commands';
import { sendWithSync } from './cmdq';
import { hypMode, lock, slotOf, unlock, type HypMode } from './mode';
import { P_DOMAIN, P_SMMU } from './params';

/** TLBI + CMD_SYNC on SMMU smmu(c), under its lock when `locked` (else the caller holds what protects it). */
function tlbiOn(b: Builder, m: HypMode, p: string, smmu: (c: Ctx) => number, g: (c: Ctx) => number, pw: Local, locked: boolean): Item[] {
  const l = m.smmuLock(smmu);
  return [
    ...(locked ? [lock(b, l)] : []),
    ...sendWithSync(b, p, 'TLBI', smmu, (c) => hypTlbi(g(c)), pw, true),
    ...(locked ? [unlock(b, l)] : []),
  ];
}

/**
 * The invalidation of an unmap of domain slot g(c) through the call's SMMU (args[0]): that SMMU, or each SMMU
 * when domains are shared; each under its own lock unless the global lock is held already.
 */
export function invalidateDomain(b: Builder, m: HypMode, N: number, g: (c: Ctx) => number, pw: Local): Item[] {
  const own = (c: Ctx) => c.args[0];
  const locked = !m.global;
  if (!m.shared) return tlbiOn(b, m, 'tlbi', own, g, pw, locked);
  if (!m.nested) return Array.from({ length: N }, (_, k) => tlbiOn(b, m, `tlbi${k}`, () => k, g, pw, locked)).flat();
  // nested (faulty): own SMMU first, then each other one while still holding it
  const ownLock = m.smmuLock(own);
  const out: Item[] = [lock(b, ownLock), ...sendWithSync(b, 'tlbi', 'TLBI', own, (c) => hypTlbi(g(c)), pw, true)];
  for (let k = 0; k < N; k++)
    out.push(
      b.jumpIf((c) => c.args[0] === k, `other${k}.skip`),
      ...tlbiOn(b, m, `other${k}`, () => k, g, pw, true),
      b.label(`other${k}.skip`),
    );
  out.push(unlock(b, ownLock));
  return out;
}

/** iotlb_inv's steps; `checkUnlocked` reads power_is_off before taking the lock (the faulty variant). */
function invSteps(b: Builder, m: HypMode, checkUnlocked: boolean): Item[] {
  const smmu = b.arg('smmu'), g = slotOf(b), l = m.smmuLock(smmu), pw = b.local('power');
  return [
    ...(checkUnlocked ? [b.load('read smmu->iommu.power_is_off (no lock held)', pw, (c) => c.sys.hyp.power(smmu(c)))] : []),
    lock(b, l),
    ...sendWithSync(b, 'tlbi', 'TLBI', smmu, (c) => hypTlbi(g(c)), pw, !checkUnlocked),
    b.ret(0),
    unlock(b, l),
  ];
}

operation({
  name: 'hyp_iotlb_inv', subsystem: 'hyp',
  description: 'host hypercall: invalidate a domain\'s TLB entries on an SMMU through the hypervisor\'s command queue (skipped while powered off)',
  params: [P_SMMU, P_DOMAIN],
  variant: { name: 'hyp-power-checked-under-lock', description: 'TLB invalidation reads power_is_off under the lock that power on/off take, and skips a powered-off SMMU' },
  steps: (b, sys) => invSteps(b, hypMode(sys), false),
});

variantOf('hyp_iotlb_inv', 'hyp-power-checked-unlocked', {
  faulty: true,
  description: 'the TLB-invalidation hypercall reads power_is_off before taking the lock; a racing power-off leaves it queuing commands on a powered-off SMMU',
  steps: (b, sys) => invSteps(b, hypMode(sys), true),
});
