// Owns the bond: the struct iommu_sva handle a thread gets from sva_bind and gives back to sva_unbind. It is
// the thread's own memory (fields of class local); it is written in the same step as the user it holds is
// taken or dropped, so that the users of a domain always count exactly the handles that hold them.
import type { Ctx } from '../program';

export function recordBond(c: Ctx, slot: number, device: number, mm: number): void {
  const f = c.sys.sva;
  c.w.set(f.bondDomain(c.t), slot + 1);
  c.w.set(f.bondDevice(c.t), device + 1);
  c.w.set(f.bondMm(c.t), mm + 1);
}

export function clearBond(c: Ctx): void {
  const f = c.sys.sva;
  c.w.set(f.bondDomain(c.t), 0);
  c.w.set(f.bondDevice(c.t), 0);
  c.w.set(f.bondMm(c.t), 0);
}

/** The domain slot of the thread's bond, -1 when it holds none. */
export function bondSlot(c: Ctx): number {
  return c.w.get(c.sys.sva.bondDomain(c.t)) - 1;
}

/** Whether the thread's bond is one of (device, mm). */
export function bondIs(c: Ctx, device: number, mm: number): boolean {
  const f = c.sys.sva;
  return c.w.get(f.bondDomain(c.t)) !== 0 && c.w.get(f.bondDevice(c.t)) === device + 1 && c.w.get(f.bondMm(c.t)) === mm + 1;
}
