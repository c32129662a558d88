// Owns the map and unmap hypercalls: the host names a domain, an IOVA and (for map) one of its pages; the
// hypervisor takes a DMA share of the page, walks or grows the domain's io-pgtable (pgd -> leaf table),
// and on unmap invalidates the TLBs through the command queue before giving the pages back to the host.
// The io-pgtable steps follow the run's lock mode: io-pgtable-arm as the host uses it (trusting its
// callers) under a lock, or a lockless walk that tolerates a hostile host.
import type { Ctx, StepDef } from '../program';
import { defineOp } from '../ops';
import { lockStep, unlockStep } from '../locks';
import { EEXIST, EINVAL, ENOENT, ENOMEM, EPERM } from '../errno';
import { DOM_LIVE, LEVEL_LEAF, OWNER_HOST } from './hyp-state';
import { allocTablePage, collectPage, freeTablePage, readEntry, sharePage, unshareCollected, unsharePage, writeEntry } from './hyp-pgtable';
import { hypTlbi, issueSteps } from './hyp-cmdq';
import { Prog, hypMode, local, setLocal, setRet, getRet, slotArg, type HypMode } from './hyp-mode';
import { P_DOMAIN, P_IOVA, P_PAGE, P_PAGES, P_SMMU } from './hyp-params';

const dom = slotArg(1);

/** 'get domain': check it is live (locked modes) or take a reference (lockless); local 1 = pgd + 1. */
function getDomain(m: HypMode, fail: () => number): StepDef {
  return {
    label: m.lockless ? 'get domain (refs inc-not-zero)' : 'look up domain',
    run: (c) => {
      const h = c.sys.hyp, g = dom(c);
      setRet(c, 0);
      const ok = m.lockless ? c.w.get(h.domRefs(g)) > 0 : c.w.get(h.domState(g)) === DOM_LIVE;
      if (!ok) {
        setRet(c, ENOENT);
        return fail();
      }
      if (m.lockless) c.w.add(h.domRefs(g), 1);
      setLocal(c, 1, c.w.get(h.domPgd(g)));
    },
  };
}

function putDomain(): StepDef {
  return { label: 'put domain', run: (c) => void c.w.add(c.sys.hyp.domRefs(dom(c)), -1) };
}

defineOp({
  name: 'hyp_map', subsystem: 'hyp',
  description: 'host hypercall: map one IOVA page of a domain to a host page; -EPERM if the host does not own it, -EEXIST if mapped',
  params: [P_SMMU, P_DOMAIN, P_IOVA, P_PAGE],
  build: (sys) => {
    const m = hypMode(sys), lock = m.phaseLock(dom), split = sys.variants.is('hyp-share-check-then-take');
    const h = sys.hyp;
    const blockOf = (c: Ctx) => Math.floor(c.args[2] / h.L), leafOf = (c: Ctx) => c.args[2] % h.L;
    const pgd = (c: Ctx) => local(c, 1) - 1;
    // locals: 0 = leaf table + 1, 1 = pgd + 1, 2 = the table page this call allocated + 1
    const P = new Prog();
    if (lock) P.add(lockStep(`lock ${m.phaseLockName}`, lock));
    P.add(getDomain(m, () => P.to('out')));
    if (split)
      P.add(
        {
          label: 'check page owner',
          run: (c) => {
            if (c.w.get(c.sys.hyp.pageOwner(c.args[3])) !== OWNER_HOST) {
              setRet(c, EPERM);
              return P.to('put');
            }
          },
        },
        { label: 'take DMA share', run: (c) => void c.w.add(c.sys.hyp.pageShares(c.args[3]), 1) },
      );
    else
      P.add({
        label: 'share page with DMA (host stage-2 lock)',
        run: (c) => {
          if (!sharePage(c, c.args[3])) {
            setRet(c, EPERM);
            return P.to('put');
          }
        },
      });
    P.add(
      {
        label: 'read pgd entry',
        run: (c) => {
          const t = readEntry(c, pgd(c), blockOf(c));
          if (t !== 0) {
            setLocal(c, 0, t);
            return P.to('leaf');
          }
        },
      },
      {
        label: 'allocate table page',
        run: (c) => {
          const k = allocTablePage(c, LEVEL_LEAF);
          if (k < 0) {
            setRet(c, ENOMEM);
            return P.to('unshare');
          }
          setLocal(c, 2, k + 1);
        },
      },
      {
        label: m.plainInstall ? 'install table (plain store)' : 'install table (cmpxchg)',
        run: (c) => {
          const k = local(c, 2) - 1, b = blockOf(c), cur = readEntry(c, pgd(c), b);
          setLocal(c, 2, 0);
          if (cur !== 0 && !m.plainInstall) {
            freeTablePage(c, k); // lost the race: use the winner's table
            setLocal(c, 0, cur);
            return;
          }
          writeEntry(c, pgd(c), b, k + 1);
          c.w.set(c.sys.hyp.tpHeld(k), 0);
          setLocal(c, 0, k + 1);
        },
      },
    );
    P.mark('leaf');
    const writeLeaf = (c: Ctx) => {
      writeEntry(c, local(c, 0) - 1, leafOf(c), c.args[3] + 1);
      setRet(c, 0);
      return P.to('put');
    };
    const occupied = (c: Ctx) => readEntry(c, local(c, 0) - 1, leafOf(c)) !== 0;
    if (m.trusting)
      P.add(
        {
          label: 'check leaf is empty',
          run: (c) => {
            if (occupied(c)) {
              setRet(c, EEXIST);
              return P.to('unshare');
            }
          },
        },
        { label: 'write leaf', run: writeLeaf },
      );
    else
      P.add({
        label: 'write leaf (cmpxchg)',
        run: (c) => {
          if (occupied(c)) {
            setRet(c, EEXIST);
            return P.to('unshare');
          }
          return writeLeaf(c);
        },
      });
    P.mark('unshare');
    P.add({ label: 'unshare page', run: (c) => unsharePage(c, c.args[3], 1) });
    P.mark('put');
    if (m.lockless) P.add(putDomain());
    P.mark('out');
    if (lock) P.add(unlockStep(`unlock ${m.phaseLockName}`, lock));
    return P.steps;
  },
});

defineOp({
  name: 'hyp_unmap', subsystem: 'hyp',
  description: 'host hypercall: unmap IOVA pages of a domain, invalidate its TLBs (CMD_SYNC), then unshare the pages; returns the pages unmapped',
  params: [P_SMMU, P_DOMAIN, P_IOVA, P_PAGES],
  build: (sys) => {
    const m = hypMode(sys), lock = m.phaseLock(dom), h = sys.hyp;
    // locals: 0 = pages done, 1 = pgd + 1, 2 = pages to unshare (3 bits each), 3 = leaf table + 1 | old leaf << 4
    const pgd = (c: Ctx) => local(c, 1) - 1;
    const page = (c: Ctx) => c.args[2] + local(c, 0);
    const blockOf = (c: Ctx) => Math.floor(page(c) / h.L), leafOf = (c: Ctx) => page(c) % h.L;
    const P = new Prog();
    const afterLoop = (c: Ctx): number => (!m.global && lock ? P.to('loop-done') : getRet(c) > 0 ? P.to('tlbi') : P.to('unshare'));
    const nextPage = (c: Ctx): number => {
      c.w.set(c.sys.local(c.t, 3), 0);
      const n = local(c, 0) + 1;
      setLocal(c, 0, n);
      return n < c.args[3] ? P.to('page') : afterLoop(c);
    };
    /** After a leaf: io-pgtable-arm frees the table of a block the range covers entirely. */
    const afterLeaf = (c: Ctx): number => {
      const b = blockOf(c);
      const covers = m.trusting && leafOf(c) === h.L - 1 && c.args[2] <= b * h.L;
      return covers ? P.to('table') : nextPage(c);
    };
    if (lock) P.add(lockStep(`lock ${m.phaseLockName}`, lock));
    P.add({
      label: 'check range',
      run: (c) => {
        if (c.args[2] + c.args[3] > c.sys.hyp.B * c.sys.hyp.L) {
          setRet(c, EINVAL);
          return P.to('fail');
        }
      },
    });
    P.add(getDomain(m, () => P.to('fail')));
    P.mark('page');
    if (m.trusting) {
      P.add(
        {
          label: 'read leaf',
          run: (c) => {
            const t = readEntry(c, pgd(c), blockOf(c));
            if (t === 0) return afterLeaf(c);
            const old = readEntry(c, t - 1, leafOf(c));
            if (old === 0) return afterLeaf(c);
            setLocal(c, 3, t | (old << 4));
          },
        },
        {
          label: 'clear leaf',
          run: (c) => {
            const v = local(c, 3), t = (v & 15) - 1, old = v >> 4;
            writeEntry(c, t, leafOf(c), 0);
            setLocal(c, 2, collectPage(local(c, 2), old - 1));
            setRet(c, getRet(c) + 1);
            return afterLeaf(c);
          },
        },
      );
      P.mark('table');
      P.add(
        {
          label: 'read pgd entry',
          run: (c) => {
            const t = readEntry(c, pgd(c), blockOf(c));
            if (t === 0) return nextPage(c);
            setLocal(c, 3, t);
          },
        },
        {
          label: 'clear pgd entry',
          run: (c) => {
            const t = local(c, 3) - 1;
            writeEntry(c, pgd(c), blockOf(c), 0);
            c.w.set(c.sys.hyp.tpHeld(t), c.t + 1);
          },
        },
        { label: 'free table page', run: (c) => (freeTablePage(c, local(c, 3) - 1), nextPage(c)) },
      );
    } else {
      P.add({
        label: 'clear leaf (xchg)',
        run: (c) => {
          const t = readEntry(c, pgd(c), blockOf(c));
          if (t !== 0) {
            const old = readEntry(c, t - 1, leafOf(c));
            if (old !== 0) {
              writeEntry(c, t - 1, leafOf(c), 0);
              setLocal(c, 2, collectPage(local(c, 2), old - 1));
              setRet(c, getRet(c) + 1);
            }
          }
          return nextPage(c);
        },
      });
    }
    P.mark('loop-done');
    if (!m.global && lock) P.add(unlockStep(`unlock ${m.phaseLockName}`, lock, (c) => (getRet(c) > 0 ? P.to('tlbi') : P.to('unshare'))));
    P.mark('tlbi');
    addInvalidation(P, m, h.shared, h.N);
    P.mark('unshare');
    // the locked modes other than global leave through 'end', past the failure path's unlock
    const leave = (c: Ctx): number | void => (m.global || m.lockless ? undefined : P.to('end'));
    P.add({ label: 'unshare pages', run: (c) => (unshareCollected(c, local(c, 2)), leave(c)) });
    if (m.lockless) P.add(putDomain());
    if (m.global) P.add(unlockStep('unlock hyp', lock!, () => P.to('end')));
    P.mark('fail');
    if (lock) P.add(unlockStep(`unlock ${m.phaseLockName}`, lock));
    P.mark('end');
    return P.steps;
  },
});

/** TLBI + CMD_SYNC on the SMMU named by the call, or on every SMMU when domains are shared. */
function addInvalidation(P: Prog, m: HypMode, shared: boolean, N: number): void {
  const smmuLock = (k: (c: Ctx) => number) => (c: Ctx) => c.sys.hyp.smmuLock(k(c));
  const one = (k: (c: Ctx) => number, locked: boolean) => {
    if (locked) P.add(lockStep('lock smmu', smmuLock(k)));
    const at = P.here;
    P.add(...issueSteps('TLBI', k, (c) => hypTlbi(dom(c)), () => at + 2));
    if (locked) P.add(unlockStep('unlock smmu', smmuLock(k)));
  };
  const own = (c: Ctx) => c.args[0];
  if (!shared) return one(own, !m.global);
  if (!m.nested) {
    for (let k = 0; k < N; k++) one(() => k, !m.global);
    return;
  }
  // nested: own SMMU first, then each other one while still holding it
  P.add(lockStep('lock own smmu', smmuLock(own)));
  one(own, false);
  for (let k = 0; k < N; k++) {
    P.add({
      label: `lock smmu ${k} unless own (holding own)`,
      enabled: (c) => c.args[0] === k || c.w.get(c.sys.hyp.smmuLock(k)) === 0,
      run: (c) => {
        if (c.args[0] !== k) c.w.set(c.sys.hyp.smmuLock(k), c.t + 1);
      },
    });
    const at = P.here;
    P.add(...issueSteps(`TLBI on smmu ${k} unless own`, () => k, (c) => hypTlbi(dom(c)), () => at + 2, (c) => c.args[0] !== k && c.w.get(c.sys.hyp.power(k)) !== 0));
    P.add({ label: `unlock smmu ${k} unless own`, run: (c) => void (c.args[0] !== k && c.w.set(c.sys.hyp.smmuLock(k), 0)) });
  }
  P.add(unlockStep('unlock own smmu', smmuLock(own)));
}
