// Owns the step fragments every flush is made of: find the instances serving a domain (one load of each
// device's STE), then per instance issue the flush's commands and a CMD_SYNC and wait for it; used by
// iotlb_sync, flush_tlb_all, the flush queue's timer and the eager TLBIs of unmap.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { issueCommands, waitForSync } from '../cmdq/issue';
import { CMD_SYNC } from '../cmdq/state';
import { lowestBit } from '../bits';

/**
 * Loop over the devices, loading each one's domain (its STE, written with WRITE_ONCE): `mask` gets the
 * instances serving domain(c). `dev` and `val` are scratch locals.
 */
export function scanServingInstances(b: Builder, tag: string, domain: (c: Ctx) => number, mask: Local, dev: Local, val: Local): Item[] {
  const top = `${tag}:scan`, done = `${tag}:scanned`;
  return [
    b.compute('start device scan', (c) => {
      mask.set(c, 0);
      dev.set(c, 0);
      return c.sys.dom.V === 0 ? done : undefined;
    }),
    b.label(top),
    b.load('read device STE', val, (c) => c.sys.dom.devDomain(dev.get(c))),
    b.compute('note its instance', (c) => {
      const v = dev.get(c), f = c.sys.dom;
      if (val.get(c) === domain(c) + 1) mask.set(c, mask.get(c) | (1 << f.devInstance[v]));
      dev.set(c, v + 1);
      return v + 1 < f.V ? top : done;
    }),
    b.label(done),
  ];
}

export interface FlushSpec {
  /** a unique prefix for this fragment's labels */
  tag: string;
  domain: (c: Ctx) => number;
  /** instances still to flush (set before the fragment; emptied by it) */
  instances: Local;
  /** scratch for the queue position */
  prod: Local;
  /** commands before the CMD_SYNC on one instance */
  count: (c: Ctx) => number;
  commands: (c: Ctx, put: (cmd: number) => void) => void;
  what: string;
  /** return without waiting for the CMD_SYNC (the faulty sync-no-wait) */
  noWait: boolean;
  /** false: queue the commands only, no CMD_SYNC and no wait (unmap's eager TLBIs) */
  sync?: boolean;
}

/** Per instance in `instances` (lowest first): issue the commands + CMD_SYNC, wait for it; then fall through. */
export function flushInstances(b: Builder, s: FlushSpec): Item[] {
  const sync = s.sync !== false;
  const inst = (c: Ctx) => lowestBit(s.instances.get(c));
  const top = `${s.tag}:instance`, done = `${s.tag}:flushed`;
  return [
    b.jumpIf((c) => s.instances.get(c) === 0, done),
    b.label(top),
    ...issueCommands(b, {
      instance: inst, prod: s.prod, what: sync ? `${s.what}CMD_SYNC` : s.what,
      count: (c) => s.count(c) + (sync ? 1 : 0),
      commands: (c, put) => {
        s.commands(c, put);
        if (sync) put(CMD_SYNC);
      },
    }),
    ...(s.noWait || !sync ? [] : [waitForSync(b, inst, s.prod)]),
    b.compute('next instance', (c) => {
      s.instances.set(c, s.instances.get(c) & ~(1 << inst(c)));
      return s.instances.get(c) !== 0 ? top : done;
    }),
    b.label(done),
  ];
}
