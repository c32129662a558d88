// Owns the lifetime of a process address space, as kernel/fork.c has it: get_task_mm (task_lock, task->mm,
// mmget), mmput (atomic_dec_and_test of mm_users; the last runs exit_mmap and mmdrop), mmdrop
// (atomic_dec_and_test of mm_count; the last runs __mmdrop, whose mm_pasid_drop frees the PASID), each an
// instruction sequence the SVA operations splice in.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { touchMm } from './state';
import { withEffect } from './effect';
import { freeGlobalPasidSteps } from './pasid';

type MmOf = (c: Ctx) => number;

/**
 * get_task_mm(task): under task_lock, the task's mm pointer and, if it is still set, mmget (atomic_inc of
 * mm_users: the task's own reference keeps it above zero). Goes to `none` (lock released) when the task exited.
 * `tmp` holds the exit flag.
 */
export function getTaskMmSteps(b: Builder, mm: MmOf, tmp: Local, none: string): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  const lock = (c: Ctx) => f(c).taskLock(mm(c));
  return [
    b.spinLock('task_lock(task)', lock, 'task_lock'),
    b.load('mm = task->mm', tmp, (c) => f(c).mmExited(mm(c))),
    b.jumpIf((c) => tmp.get(c) !== 0, 'get_task_mm.unlock'),
    withEffect(b.atomicInc('mmget(mm): atomic_inc(&mm->mm_users)', (c) => f(c).mmUsers(mm(c))), { before: (c) => void touchMm(c, mm(c)) }),
    b.label('get_task_mm.unlock'),
    b.spinUnlock('task_unlock(task)', lock, 'task_lock'),
    b.jumpIf((c) => tmp.get(c) !== 0, none),
  ];
}

/**
 * mmdrop(mm): drop a reference on the mm_struct; the last runs __mmdrop, which frees the mm's PASID
 * (mm_pasid_drop) with the mm_struct. `caller` names the call in the step's label; `pre` starts the labels
 * jumped to (unique within the operation); `old` and `p` are scratch locals.
 */
export function mmdropSteps(b: Builder, mm: MmOf, caller: string, pre: string, old: Local, p: Local): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  return [
    withEffect(b.atomicDec(`${caller}: atomic_dec_and_test(&mm->mm_count)`, (c) => f(c).mmCount(mm(c)), old), { before: (c) => void touchMm(c, mm(c)) }),
    b.jumpIf((c) => old.get(c) !== 1, `${pre}.done`),
    // __mmdrop: the mm_struct is gone (mm_count 0); mm_pasid_drop reads mm->iommu_mm and frees its PASID
    ...freeGlobalPasidSteps(b, mm, p, `${pre}.done`),
    b.label(`${pre}.done`),
  ];
}

/**
 * mmput(mm): drop a reference on the address space; the last tears it down (exit_mmap: mm_users 0 is what a
 * device's walk sees) and drops the users' mm_count.
 */
export function mmputSteps(b: Builder, mm: MmOf, old: Local, p: Local): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  return [
    withEffect(b.atomicDec('mmput: atomic_dec_and_test(&mm->mm_users)', (c) => f(c).mmUsers(mm(c)), old), { before: (c) => void touchMm(c, mm(c)) }),
    b.jumpIf((c) => old.get(c) !== 1, 'mmput.done'),
    ...mmdropSteps(b, mm, '__mmput: mmdrop(mm)', 'mmput.mmdrop', old, p),
    b.label('mmput.done'),
  ];
}
