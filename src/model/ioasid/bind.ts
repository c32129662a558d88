import { lockAndLookUp } from './lookup';
// Owns binding a PASID for a guest PASID (the IOMMU driver's sva_bind_gpasid path, serialised here under
// ioasid_allocator_lock): ioasid_get_locked (the PASID must be allocated and not being freed), program the
// PASID-table entry, and notify BIND so KVM installs the guest->host translation; unbind reverses it (entry
// cleared, UNBIND to KVM, the reference put, the PASID released if it was the last). The variants of the
// ioasid_bind policy (bind takes an IOASID reference, or not) are defined here.
import { operation } from '../api/define';
import type { Item } from '../api/instr';
import { EBUSY, EEXIST, EINVAL, ENOENT } from '../errno';
import type { Ctx } from '../program';
import { policyVariants } from '../api/define';
import { allocatorLock, allocatorUnlock } from './lock';
import { pasidParam } from './alloc';
import { doFreeLocked } from './release';
import { PASID_FREE_PENDING, ias, resolvePasid } from './state';

policyVariants([
  { name: 'bind-takes-ref', slot: 'ioasid_bind', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'binding a PASID to a device takes an IOASID reference (ioasid_get), so ioasid_free of a bound PASID sends FREE' },
  { name: 'bind-without-ref', slot: 'ioasid_bind', subsystem: 'ioasid', faulty: true,
    description: 'bind takes no IOASID reference, so ioasid_free sees refs == 1, skips the FREE notification and frees a PASID still in the IOMMU PASID table' },
]);

operation({
  name: 'ioasid_bind', subsystem: 'ioasid',
  description: 'bind a PASID (-1: this thread\'s) for a guest PASID: get a reference, program the PASID entry, BIND -> KVM',
  params: [pasidParam, { name: 'gpasid', kind: 'gpasid', max: (sys) => sys.ias.G - 1 }],
  steps: (b, sys) => {
    const arg = b.arg('pasid'), gpasid = b.arg('gpasid');
    const p = b.local('pasid'), v = b.local('val'), s = b.local('set');
    const takeRef = !sys.variants.is('bind-without-ref'), kvm = sys.ias.kvmSubscribed;
    return [
      ...lockAndLookUp(b, sys, arg, p, v),
      b.load('read data->state', v, (c) => ias(c).state(p.get(c))),
      b.jumpIf((c) => v.get(c) === PASID_FREE_PENDING, 'ebusy'), // trying to get an IOASID being freed
      b.load('read data->set', s, (c) => ias(c).owner(p.get(c))),
      b.load('read PASID entry', v, (c) => ias(c).entry(p.get(c))),
      b.jumpIf((c) => v.get(c) !== 0, 'eexist'),
      ...(kvm
        ? [b.load('read KVM translation of the guest PASID', v, (c) => ias(c).g2h(s.get(c) - 1, gpasid(c))), b.jumpIf((c) => v.get(c) !== 0, 'eexist')]
        : []),
      ...(takeRef ? [b.atomicInc('refcount_inc(&data->refs)', (c) => ias(c).refs(p.get(c)))] : []),
      b.store('program PASID entry', (c) => ias(c).entry(p.get(c)), (c) => s.get(c)),
      ...(kvm
        ? [b.store('notify BIND -> kvm: install guest PASID translation', (c) => ias(c).g2h(s.get(c) - 1, gpasid(c)), (c) => p.get(c) + 1)]
        : []),
      b.ret(0),
      b.goto('unlock'),
      ...b.errorReturns([['eexist', EEXIST], ['ebusy', EBUSY], ['enoent', ENOENT], ['einval', EINVAL]], 'unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});

operation({
  name: 'ioasid_unbind', subsystem: 'ioasid',
  description: 'unbind a PASID (-1: this thread\'s): clear the PASID entry, UNBIND -> KVM, put the bind reference',
  params: [pasidParam],
  steps: (b, sys) => {
    const arg = b.arg('pasid');
    const p = b.local('pasid'), v = b.local('val'), s = b.local('set');
    const putRef = !sys.variants.is('bind-without-ref'), f = sys.ias;
    const pid = (c: Ctx) => p.get(c), set = (c: Ctx) => s.get(c) - 1;
    const kvm: Item[] = [];
    if (f.kvmSubscribed)
      for (let g = 0; g < f.G; g++)
        kvm.push(
          b.load(`notify UNBIND -> kvm: read guest PASID ${g} translation`, v, (c) => ias(c).g2h(set(c), g)),
          b.jumpIf((c) => v.get(c) !== p.get(c) + 1, `kvm${g}`),
          b.store(`notify UNBIND -> kvm: drop guest PASID ${g} translation`, (c) => ias(c).g2h(set(c), g), 0),
          b.label(`kvm${g}`),
        );
    return [
      allocatorLock(b, sys),
      b.compute('resolve pasid', (c) => {
        p.set(c, resolvePasid(c, arg(c)));
        return p.get(c) < 0 ? 'einval' : undefined;
      }),
      b.load('read PASID entry', s, (c) => ias(c).entry(p.get(c))),
      b.jumpIf((c) => s.get(c) === 0, 'einval'), // not bound
      b.store('clear PASID entry', (c) => ias(c).entry(p.get(c)), 0),
      b.ret(0),
      ...kvm,
      ...(putRef
        ? [
          b.load('ioasid_put_locked: xa_load(&active_allocator->xa, ioasid)', v, (c) => ias(c).xa(p.get(c))),
          b.jumpIf((c) => v.get(c) === 0, 'unlock'), // trying to put an unknown IOASID
          b.atomicDec('ioasid_put_locked: refcount_dec_and_test(&data->refs)', (c) => ias(c).refs(p.get(c)), v),
          b.jumpIf((c) => v.get(c) !== 1, 'unlock'),
          b.load('read data->set', s, (c) => ias(c).owner(p.get(c))),
          ...doFreeLocked(b, { p: pid, set, v }, 'put_', true),
        ]
        : []),
      b.goto('unlock'),
      b.label('einval'), b.ret(EINVAL),
      b.label('unlock'),
      allocatorUnlock(b, sys),
    ];
  },
});
