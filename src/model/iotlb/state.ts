// Owns each instance's IOTLB (cached translations tagged by domain; hardware-only state), its invalidation
// by the command-queue consumer, the optional speculative walker actor, and the ghost record of each device's
// last DMA that the isolation and stale-TLB invariants judge. The DMA itself: dma.ts.
import type { Index1, Index3, LayoutBuilder } from '../layout';
import type { ActorDef, Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import { servingInstances } from '../domains/state';
import { boolPrinter, countPrinter, idPrinter } from '../printers';

export interface IotlbFields {
  /** physical page + 1 cached for (instance, domain, page); 0 = no entry */
  tlb: Index3;
  /** ghost record of a device's last DMA, with what the tables said at that instant */
  dmaDomain: Index1; // domain + 1, 0 = none or blocked
  dmaPage: Index1;
  dmaPhys: Index1; // physical page + 1 reached, 0 = faulted
  dmaPte: Index1; // PTE at the time of the access
  dmaWindow: Index1; // ghost window at the time
  dmaPromised: Index1; // ghost promised at the time
}

declare module '../system' {
  interface System {
    tlb: IotlbFields;
  }
}

defineSubsystem({
  name: 'iotlb',
  declare(b: LayoutBuilder, sys: System) {
    const sc = sys.scenario;
    const I = sc.instances.length, D = sc.domains.length, P = sc.pages, V = sc.devices.length;
    const dev = (v: number) => `device[${v}].dma`;
    sys.tlb = {
      tlb: b.cube('iotlb', I, D, P, (i, d, p) => `iotlb[${i}][${d}][${p}]`),
      dmaDomain: b.array('ghost.dma.domain', V, dev),
      dmaPage: b.array('ghost.dma.page', V, dev),
      dmaPhys: b.array('ghost.dma.phys', V, dev),
      dmaPte: b.array('ghost.dma.pte', V, dev),
      dmaWindow: b.array('ghost.dma.window', V, dev),
      dmaPromised: b.array('ghost.dma.promised', V, dev),
    };
    b.access('iotlb', 'hw');
    b.print('iotlb', idPrinter('phys page', 'no entry'));
    b.print('ghost.dma.domain', idPrinter('domain'));
    b.print('ghost.dma.page', countPrinter);
    b.print('ghost.dma.phys', idPrinter('phys page', 'faulted'));
    b.print('ghost.dma.pte', idPrinter('phys page', 'not mapped'));
    b.print('ghost.dma.window', idPrinter('phys page'));
    b.print('ghost.dma.promised', boolPrinter);
  },
  actors: (sys) => (sys.scenario.speculativeWalker ? sys.scenario.instances.map((_, i) => walker(i)) : []),
});

export function invalidatePage(c: Ctx, i: number, d: number, p: number): void {
  c.w.set(c.sys.tlb.tlb(i, d, p), 0);
}

/** Drop every entry of domain d on instance i (TLBI by ASID, or a fresh ASID at first attach). */
export function forgetDomainOnInstance(c: Ctx, i: number, d: number): void {
  for (let p = 0; p < c.sys.pt.P; p++) c.w.set(c.sys.tlb.tlb(i, d, p), 0);
}

/** Instance i's table walker may prefetch any valid PTE of a domain it serves. */
function walker(i: number): ActorDef {
  return {
    name: `walker[${i}]`,
    atomic: 'the table walker reads a PTE and fills its IOTLB entry as one hardware step',
    choices(c, out) {
      const P = c.sys.pt.P;
      for (let d = 0; d < c.sys.dom.D; d++) {
        if ((servingInstances(c, d) & (1 << i)) === 0) continue;
        for (let p = 0; p < P; p++)
          if (c.w.get(c.sys.tlb.tlb(i, d, p)) === 0 && c.w.get(c.sys.pt.pte(d, p)) !== 0) out.push(d * P + p);
      }
    },
    run(c, choice) {
      const P = c.sys.pt.P, d = Math.floor(choice / P), p = choice % P;
      c.w.set(c.sys.tlb.tlb(i, d, p), c.w.get(c.sys.pt.pte(d, p)));
    },
    describe: (sys, choice) => `prefetch domain ${Math.floor(choice / sys.pt.P)} page ${choice % sys.pt.P}`,
  };
}
