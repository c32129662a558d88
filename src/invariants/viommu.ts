// Owns the invariants of the iommufd-style vIOMMU: vdev ids name one device each, a guest's CMD_SYNC
// leaves no physical IOTLB holding what it invalidated, and no VM's invalidation or id reaches another
// VM's device.
import type { Invariant } from './invariant';
import { atomicInvariant } from './invariant';
import type { Model } from '../model/model';

const hasViommu = (m: { vi: { M: number } }) => m.vi.M > 0;

/** Some thread is inside an operation (took its first step, not yet its last). */
function inFlight(s: Int32Array, m: Model): boolean {
  for (let t = 0; t < m.sys.threads; t++) if (s[m.sys.stepIndex(t)] !== 0) return true;
  return false;
}

export const vdevIdUnique: Invariant = {
  id: 'vdev-id-unique',
  family: 'viommu',
  description: 'each vdev id of a vIOMMU is held by at most one device, and the id table names only the device that holds the id',
  appliesTo: hasViommu,
  // interesting: an operation is in flight while two devices hold vdev ids of one VM, or an id is reserved by an
  // unset in progress
  interesting(s, m: Model) {
    const f = m.sys.vi, V = m.sys.dom.V;
    if (!inFlight(s, m)) return false;
    const perVm = new Int32Array(f.M);
    for (let v = 0; v < V; v++) {
      const b = s[f.bound(v)] - 1;
      if (b >= 0 && ++perVm[Math.floor(b / f.N)] >= 2) return true;
    }
    for (let vm = 0; vm < f.M; vm++) for (let n = 0; n < f.N; n++) if (s[f.vdev(vm, n)] < 0) return true;
    return false;
  },
  check(s, m: Model) {
    const f = m.sys.vi, V = m.sys.dom.V;
    const holder = new Int32Array(f.M * f.N).fill(-1);
    for (let v = 0; v < V; v++) {
      const b = s[f.bound(v)] - 1;
      if (b < 0) continue;
      const vm = Math.floor(b / f.N), n = b % f.N;
      if (holder[b] >= 0) return `vdev id ${n} of VM ${vm} is held by device ${holder[b]} and device ${v}`;
      holder[b] = v;
    }
    for (let vm = 0; vm < f.M; vm++)
      for (let n = 0; n < f.N; n++) {
        const e = s[f.vdev(vm, n)];
        if (e !== 0 && holder[vm * f.N + n] !== Math.abs(e) - 1)
          return `vdev id ${n} of VM ${vm} names device ${Math.abs(e) - 1}, which is not bound to it`;
      }
    return null;
  },
};

export const guestSyncComplete = atomicInvariant({
  id: 'guest-sync-complete',
  family: 'viommu',
  description: 'once a guest\'s CMD_SYNC returned, no physical IOTLB holds a translation its batch invalidated (an unmapped stage-1 page of that ASID)',
  appliesTo: hasViommu,
  // interesting: a guest's CMD_SYNC covering an unmapped stage-1 page returned
  interesting(s, m: Model) {
    const f = m.sys.vi;
    for (let vm = 0; vm < f.M; vm++)
      for (let a = 0; a < f.A; a++) for (let p = 0; p < f.P; p++) if (s[f.promised(vm, a, p)] === 1 && s[f.s1(vm, a, p)] === 0) return true;
    return false;
  },
  // one atom per (VM, ASID, page), in that order
  atoms: (m: Model) => m.sys.vi.M * m.sys.vi.A * m.sys.vi.P,
  checkAtom(s, m: Model, k) {
    const f = m.sys.vi, I = m.sys.dom.I;
    const p = k % f.P, a = Math.floor(k / f.P) % f.A, vm = Math.floor(k / (f.P * f.A));
    if (s[f.promised(vm, a, p)] !== 1 || s[f.s1(vm, a, p)] !== 0) return null;
    for (let i = 0; i < I; i++) {
      const e = s[f.tlb(i, vm, a, p)];
      if (e !== 0)
        return `IOTLB of pSMMU ${i} still maps VM ${vm} ASID ${a} page ${p} to phys ${e - 1} after the guest's CMD_SYNC covering its unmap returned`;
    }
    return null;
  },
});

export const viommuIsolation = atomicInvariant({
  id: 'viommu-isolation',
  family: 'viommu',
  description: 'no VM\'s invalidation is executed on, and no VM\'s vdev id names, a device bound to another VM',
  appliesTo: hasViommu,
  // interesting: an operation is in flight while devices are bound to two different VMs (one VM's ids or
  // invalidations could reach the other's devices)
  interesting(s, m: Model) {
    const f = m.sys.vi;
    if (!inFlight(s, m)) return false;
    let vms = 0;
    for (let v = 0; v < m.sys.dom.V; v++) {
      const b = s[f.bound(v)] - 1;
      if (b >= 0) vms |= 1 << Math.floor(b / f.N);
    }
    return (vms & (vms - 1)) !== 0;
  },
  // atom 0: the leak record; then one per (VM, vdev id)
  atoms: (m: Model) => 1 + m.sys.vi.M * m.sys.vi.N,
  checkAtom(s, m: Model, k) {
    const f = m.sys.vi;
    if (k === 0) {
      if (s[f.leakFrom] !== 0)
        return `an invalidation issued by VM ${s[f.leakFrom] - 1} was executed on device ${s[f.leakDev]}, which is bound to VM ${s[f.leakTo]}`;
      return null;
    }
    const vm = Math.floor((k - 1) / f.N), n = (k - 1) % f.N;
    const e = Math.abs(s[f.vdev(vm, n)]) - 1;
    if (e < 0) return null;
    const b = s[f.bound(e)] - 1;
    if (b >= 0 && Math.floor(b / f.N) !== vm)
      return `vdev id ${n} of VM ${vm} names device ${e}, which is bound to VM ${Math.floor(b / f.N)}`;
    return null;
  },
});

export const viommuInvariants: Invariant[] = [vdevIdUnique, guestSyncComplete, viommuIsolation];
