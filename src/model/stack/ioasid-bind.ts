// Owns binding a PASID to a guest PASID (the IOMMU driver's sva_bind_gpasid path): take an IOASID
// reference, program the PASID-table entry, and send BIND so KVM installs the guest->host translation;
// unbind reverses it (entry cleared, UNBIND to KVM, reference put, released if it was the last).
import { defineOp } from '../ops';
import { EBUSY, EEXIST, EINVAL, ENOENT } from '../errno';
import type { Ctx } from '../program';
import {
  PASID_ACTIVE, PASID_FREE, allocatorLock, allocatorUnlock, invalidPasid, kvmForget, releasePasid, resolvePasid, setRet,
} from './ioasid-core';
import { pasidParam } from './ioasid-alloc';

const pOf = (c: Ctx) => c.w.get(c.sys.local(c.t, 0)) - 1;

defineOp({
  name: 'ioasid_bind', subsystem: 'ioasid',
  description: 'bind a PASID (-1: this thread\'s) for a guest PASID: get a reference, program the PASID entry, BIND -> KVM',
  params: [pasidParam, { name: 'gpasid', kind: 'gpasid', max: (sys) => sys.ias.G - 1 }],
  build: (sys) => {
    const takeRef = !sys.variants.is('bind-without-ref');
    const kvm = sys.ias.kvmSubscribed;
    const unlockAt = kvm ? 3 : 2;
    return [
      allocatorLock(sys),
      {
        label: takeRef ? 'ioasid_get, program PASID entry' : 'program PASID entry',
        run: (c) => {
          const f = c.sys.ias, p = resolvePasid(c, c.args[0]);
          if (invalidPasid(c, p)) return unlockAt;
          const st = c.w.get(f.state(p));
          let err = 0;
          if (st === PASID_FREE) err = ENOENT;
          else if (st !== PASID_ACTIVE) err = EBUSY; // being freed
          else if (c.w.get(f.entry(p)) !== 0) err = EEXIST;
          else if (kvm && c.w.get(f.g2h(c.w.get(f.owner(p)) - 1, c.args[1])) !== 0) err = EEXIST; // guest PASID in use
          if (err) {
            setRet(c, err);
            return unlockAt;
          }
          if (takeRef) c.w.add(f.refs(p), 1);
          c.w.set(f.entry(p), c.w.get(f.owner(p)));
          c.w.set(c.sys.local(c.t, 0), p + 1);
          setRet(c, 0);
        },
      },
      ...(kvm ? [{
        label: 'notify BIND -> kvm: install guest PASID translation',
        run: (c: Ctx) => {
          const f = c.sys.ias, p = pOf(c);
          c.w.set(f.g2h(c.w.get(f.owner(p)) - 1, c.args[1]), p + 1);
        },
      }] : []),
      allocatorUnlock(sys),
    ];
  },
});

defineOp({
  name: 'ioasid_unbind', subsystem: 'ioasid',
  description: 'unbind a PASID (-1: this thread\'s): clear the PASID entry, UNBIND -> KVM, put the bind reference',
  params: [pasidParam],
  build: (sys) => {
    const putRef = !sys.variants.is('bind-without-ref');
    const kvm = sys.ias.kvmSubscribed;
    const unlockAt = kvm ? 4 : 3;
    return [
      allocatorLock(sys),
      {
        label: 'clear PASID entry',
        run: (c) => {
          const f = c.sys.ias, p = resolvePasid(c, c.args[0]);
          if (invalidPasid(c, p)) return unlockAt;
          if (c.w.get(f.entry(p)) === 0) {
            setRet(c, EINVAL);
            return unlockAt;
          }
          c.w.set(f.entry(p), 0);
          c.w.set(c.sys.local(c.t, 0), p + 1);
          setRet(c, 0);
        },
      },
      ...(kvm ? [{
        label: 'notify UNBIND -> kvm: drop guest PASID translation',
        run: (c: Ctx) => {
          const p = pOf(c);
          kvmForget(c, c.w.get(c.sys.ias.owner(p)) - 1, p);
        },
      }] : []),
      {
        label: 'ioasid_put, release if last',
        run: (c) => {
          const f = c.sys.ias, p = pOf(c);
          if (putRef && c.w.add(f.refs(p), -1) === 0) releasePasid(c, p, true);
        },
      },
      allocatorUnlock(sys),
    ];
  },
});
