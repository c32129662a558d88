// Owns the guest's own memory as the guest kernel edits it: the vSTE of each of its vdev ids (the stage-1
// context, an ASID private to the VM) and its stage-1 page tables, each edit one READ_ONCE/WRITE_ONCE of the
// word (the SMMU walks them concurrently); the ghosts of a guest batch's promise are reset by a map.
import type { Ctx } from '../program';
import { operation } from '../api/define';
import { EEXIST, ENOENT } from '../errno';
import { asidParam, vdevParam, vmParam } from './state';

operation({
  name: 'guest_set_ste', subsystem: 'viommu',
  description: 'the guest writes the vSTE of one of its vdev ids: the stage-1 context (ASID) the device uses',
  params: [vmParam, vdevParam, asidParam],
  steps: (b) => {
    const vm = b.arg('vm'), n = b.arg('vdev'), a = b.arg('asid');
    return [
      b.store('WRITE_ONCE(vste)', (c) => c.sys.vi.vste(vm(c), n(c)), (c) => a(c) + 1),
      b.retDone(0),
    ];
  },
});

operation({
  name: 'guest_map', subsystem: 'viommu',
  description: 'the guest maps one page of its stage-1 table for an ASID (-EEXIST if mapped)',
  params: [vmParam, asidParam, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  steps: (b) => {
    const vm = b.arg('vm'), a = b.arg('asid'), p = b.arg('iova'), x = b.arg('phys');
    const pte = b.local('pte');
    const at = (c: Ctx) => c.sys.vi.s1(vm(c), a(c), p(c));
    return [
      b.load('READ_ONCE(stage-1 pte)', pte, at),
      b.jumpIf((c) => pte.get(c) !== 0, 'eexist'),
      b.step('WRITE_ONCE(stage-1 pte)', (c) => {
        const f = c.sys.vi;
        c.w.set(at(c), x(c) + 1);
        c.w.set(f.promised(vm(c), a(c), p(c)), 0); // ghosts: a batch running now promises nothing about this page
        c.w.set(f.watch(vm(c), a(c), p(c)), 0);
      }, undefined, undefined, 'store'),
      b.retDone(0),
      b.label('eexist'), b.retDone(EEXIST),
    ];
  },
});

operation({
  name: 'guest_unmap', subsystem: 'viommu',
  description: 'the guest clears one page of its stage-1 table for an ASID (-ENOENT if not mapped); it must invalidate next',
  params: [vmParam, asidParam, { name: 'iova', kind: 'page' }],
  steps: (b) => {
    const vm = b.arg('vm'), a = b.arg('asid'), p = b.arg('iova');
    const pte = b.local('pte');
    const at = (c: Ctx) => c.sys.vi.s1(vm(c), a(c), p(c));
    return [
      b.load('READ_ONCE(stage-1 pte)', pte, at),
      b.jumpIf((c) => pte.get(c) === 0, 'enoent'),
      b.store('WRITE_ONCE(stage-1 pte, 0)', at, 0),
      b.retDone(0),
      b.label('enoent'), b.retDone(ENOENT),
    ];
  },
});
