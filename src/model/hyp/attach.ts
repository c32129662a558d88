// Owns the hypercalls that point a stream table entry at a domain and clear it again (kvm_iommu_attach_dev /
// smmu_attach_dev, kvm_iommu_detach_dev / smmu_detach_dev): the STE is written under the SMMU's lock and
// made visible with CFGI_STE + CMD_SYNC; the attachment holds a domain reference (refs++ under the lock,
// or domain_get/domain_put on the atomic refcount in the refcounted mode, outside the SMMU's lock).
import type { Ctx } from '../program';
import type { Item } from '../api/instr';
import { operation } from '../api/define';
import { EBUSY, ENOENT } from '../errno';
import { DOM_LIVE } from './state';
import { hypCfgi } from './commands';
import { sendWithSync } from './cmdq';
import { hypMode, lock, slotOf, unlock } from './mode';
import { P_DOMAIN, P_SID, P_SMMU } from './params';

operation({
  name: 'hyp_attach', subsystem: 'hyp',
  description: 'host hypercall: point a stream table entry of an SMMU at a domain (takes a reference), then CFGI_STE + CMD_SYNC',
  params: [P_SMMU, P_SID, P_DOMAIN],
  steps: (b, sys) => {
    const m = hypMode(sys), g = slotOf(b), smmu = b.arg('smmu'), sid = b.arg('sid');
    const sl = m.smmuLock(smmu), dl = m.domainRefLock(g);
    const v = b.local('val'), pw = b.local('power');
    const f = (c: Ctx) => c.sys.hyp;
    const ste = (c: Ctx) => f(c).ste(smmu(c), sid(c));
    const cfgi = sendWithSync(b, 'cfgi', 'CFGI_STE', smmu, (c) => hypCfgi(sid(c)), pw, true);
    if (m.lockless)
      // kvm_iommu_attach_dev: domain_get, then smmu_attach_dev under iommu->lock; domain_put if that fails
      return [
        b.incNotZero('domain_get (atomic inc-not-zero refs)', (c) => f(c).domRefs(g(c)), v),
        b.jumpIf((c) => v.get(c) === 0, 'enoent'),
        lock(b, sl),
        b.load('read STE', v, ste),
        b.jumpIf((c) => v.get(c) !== 0, 'ebusy'),
        b.store('write STE', ste, (c) => g(c) + 1),
        ...cfgi,
        b.ret(0),
        unlock(b, sl),
        b.done(),
        b.label('ebusy'),
        b.ret(EBUSY),
        unlock(b, sl),
        b.atomicDec('domain_put', (c) => f(c).domRefs(g(c))),
        b.done(),
        b.label('enoent'), b.ret(ENOENT),
      ];
    const ref: Item[] = [
      b.load('read domain->refs', v, (c) => f(c).domRefs(g(c))),
      b.store('domain->refs++', (c) => f(c).domRefs(g(c)), (c) => v.get(c) + 1, 'get'),
    ];
    return [
      lock(b, sl),
      ...(dl ? [lock(b, dl)] : []),
      b.load('read domain state', v, (c) => f(c).domState(g(c))),
      b.jumpIf((c) => v.get(c) !== DOM_LIVE, 'enoent'),
      b.load('read STE', v, ste),
      b.jumpIf((c) => v.get(c) !== 0, 'ebusy'),
      b.store('write STE', ste, (c) => g(c) + 1),
      ...ref,
      ...(dl ? [unlock(b, dl)] : []),
      ...cfgi,
      b.ret(0),
      b.goto('out'),
      ...b.errorReturns([['ebusy', EBUSY], ['enoent', ENOENT]], 'fail'),
      ...(dl ? [unlock(b, dl)] : []),
      b.label('out'),
      unlock(b, sl),
    ];
  },
});

operation({
  name: 'hyp_detach', subsystem: 'hyp',
  description: 'host hypercall: clear a stream table entry, CFGI_STE + CMD_SYNC, then drop the domain reference; -ENOENT if unset',
  params: [P_SMMU, P_SID],
  steps: (b, sys) => {
    const m = hypMode(sys), smmu = b.arg('smmu'), sid = b.arg('sid');
    const sl = m.smmuLock(smmu);
    const d = b.local('slot'), v = b.local('val'), pw = b.local('power');
    const f = (c: Ctx) => c.sys.hyp;
    const g = (c: Ctx) => d.get(c) - 1;
    const dl = m.domainRefLock(g);
    const ste = (c: Ctx) => f(c).ste(smmu(c), sid(c));
    const put: Item[] = m.lockless
      ? []
      : [
        ...(dl ? [lock(b, dl)] : []),
        b.load('read domain->refs', v, (c) => f(c).domRefs(g(c))),
        b.store('domain->refs--', (c) => f(c).domRefs(g(c)), (c) => v.get(c) - 1, 'put'),
        ...(dl ? [unlock(b, dl)] : []),
      ];
    return [
      lock(b, sl),
      b.load('read STE', d, ste),
      b.jumpIf((c) => d.get(c) === 0, 'enoent'),
      b.store('clear STE', ste, (c) => {
        // ghost: a powered-on SMMU may keep using the old STE until CFGI_STE and a CMD_SYNC have executed
        if (c.w.peek(f(c).power(smmu(c))) !== 0) c.w.set(f(c).steCache(smmu(c), sid(c)), d.get(c));
        return 0;
      }),
      ...sendWithSync(b, 'cfgi', 'CFGI_STE', smmu, (c) => hypCfgi(sid(c)), pw, true),
      ...put,
      b.ret(0),
      unlock(b, sl),
      ...(m.lockless ? [b.atomicDec('domain_put', (c) => f(c).domRefs(g(c)))] : []),
      b.done(),
      b.label('enoent'), b.ret(ENOENT),
      unlock(b, sl),
    ];
  },
});
