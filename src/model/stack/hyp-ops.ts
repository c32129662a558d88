// Owns the hypercalls that manage domains, stream table entries, power and host memory: alloc_domain,
// free_domain, attach, detach, iotlb_inv, power_off, power_on, and the host's donation of a page to a
// guest. Each is the atomic steps of the hypervisor code, with the locks of the run's lock mode.
import type { Ctx } from '../program';
import type { System } from '../system';
import { defineOp } from '../ops';
import { lockStep, unlockStep } from '../locks';
import { EBUSY, EEXIST, ENOENT, ENOMEM, EPERM } from '../errno';
import { DOM_ALLOCATING, DOM_FREE, DOM_LIVE, LEVEL_PGD, OWNER_GUEST, OWNER_HOST } from './hyp-state';
import { allocTablePage, freePageTable } from './hyp-pgtable';
import { hypCfgi, hypTlbi, issueSteps, resetQueue } from './hyp-cmdq';
import { Prog, hypMode, local, setLocal, setRet, getRet, slotArg } from './hyp-mode';
import { P_DOMAIN, P_PAGE, P_SID, P_SMMU } from './hyp-params';

/** A domain call: [phase lock] body [unlock at 'out']. */
function withPhaseLock(sys: System, dom: (c: Ctx) => number, body: (P: Prog) => void): Prog {
  const lock = hypMode(sys).phaseLock(dom);
  const P = new Prog();
  const name = hypMode(sys).phaseLockName;
  if (lock) P.add(lockStep(`lock ${name}`, lock));
  body(P);
  P.mark('out');
  if (lock) P.add(unlockStep(`unlock ${name}`, lock));
  return P;
}

/** An SMMU call: [global lock or the SMMU's lock] body [unlock at 'out']. */
function withSmmuLock(sys: System, body: (P: Prog) => void, before?: (P: Prog) => void): Prog {
  const m = hypMode(sys);
  const lock = m.global ? (c: Ctx) => c.sys.hyp.lock : (c: Ctx) => c.sys.hyp.smmuLock(c.args[0]);
  const P = new Prog();
  before?.(P);
  P.add(lockStep(m.global ? 'lock hyp' : 'lock smmu', lock));
  body(P);
  P.mark('out');
  P.add(unlockStep(m.global ? 'unlock hyp' : 'unlock smmu', lock));
  return P;
}

defineOp({
  name: 'hyp_alloc_domain', subsystem: 'hyp',
  description: 'host hypercall: allocate domain ID on an SMMU with a fresh pgd; -EEXIST if in use, -ENOMEM if the pool is empty',
  params: [P_SMMU, P_DOMAIN],
  build: (sys) => {
    const m = hypMode(sys), dom = slotArg(1);
    return withPhaseLock(sys, dom, (P) => P.add(
      {
        label: m.lockless ? 'claim domain slot (cmpxchg FREE -> ALLOCATING)' : 'check domain slot is free',
        run: (c) => {
          const h = c.sys.hyp, g = dom(c);
          if (c.w.get(h.domState(g)) !== DOM_FREE) {
            setRet(c, EEXIST);
            return P.to('out');
          }
          if (m.lockless) c.w.set(h.domState(g), DOM_ALLOCATING);
        },
      },
      {
        label: 'allocate pgd',
        run: (c) => {
          const k = allocTablePage(c, LEVEL_PGD);
          if (k < 0) {
            if (m.lockless) c.w.set(c.sys.hyp.domState(dom(c)), DOM_FREE);
            setRet(c, ENOMEM);
            return P.to('out');
          }
          setLocal(c, 0, k + 1);
        },
      },
      {
        label: 'publish domain (pgd, refs = 1)',
        run: (c) => {
          const h = c.sys.hyp, g = dom(c), k = local(c, 0) - 1;
          c.w.set(h.domState(g), DOM_LIVE);
          c.w.set(h.domRefs(g), 1);
          c.w.set(h.domPgd(g), k + 1);
          c.w.set(h.tpHeld(k), 0);
          setRet(c, 0);
        },
      },
    )).steps;
  },
});

defineOp({
  name: 'hyp_free_domain', subsystem: 'hyp',
  description: 'host hypercall: free a domain and its io-pgtable; -EBUSY unless this drops the last reference, -ENOENT if not live',
  params: [P_SMMU, P_DOMAIN],
  build: (sys) => {
    const m = hypMode(sys), dom = slotArg(1), ignore = sys.variants.is('hyp-free-ignores-refs');
    return withPhaseLock(sys, dom, (P) => P.add(
      {
        label: m.lockless ? 'drop last reference (cmpxchg refs 1 -> 0)' : 'check refs == 1',
        run: (c) => {
          const h = c.sys.hyp, g = dom(c);
          if (c.w.get(h.domState(g)) !== DOM_LIVE) {
            setRet(c, ENOENT);
            return P.to('out');
          }
          const refs = c.w.get(h.domRefs(g));
          if (refs !== 1 && !ignore) {
            setRet(c, EBUSY);
            return P.to('out');
          }
          if (refs > 1 && c.w.get(h.freedInUse) === 0) {
            c.w.set(h.freedInUse, g + 1);
            c.w.set(h.freedRefs, refs);
          }
          if (m.lockless) c.w.set(h.domRefs(g), 0);
          setLocal(c, 0, c.w.get(h.domPgd(g)));
        },
      },
      {
        label: 'free io-pgtable, clear domain slot',
        run: (c) => {
          const h = c.sys.hyp, g = dom(c), pgd = local(c, 0) - 1;
          if (pgd >= 0) freePageTable(c, pgd);
          c.w.set(h.domState(g), DOM_FREE);
          c.w.set(h.domRefs(g), 0);
          c.w.set(h.domPgd(g), 0);
          setRet(c, 0);
        },
      },
    )).steps;
  },
});

defineOp({
  name: 'hyp_attach', subsystem: 'hyp',
  description: 'host hypercall: point a stream table entry of an SMMU at a domain (takes a reference), then CFGI_STE + CMD_SYNC',
  params: [P_SMMU, P_SID, P_DOMAIN],
  build: (sys) => {
    const m = hypMode(sys), dom = slotArg(2);
    const dlock = m.global ? null : m.domainLock(dom);
    const inner = dlock && sys.hyp.shared ? dlock : null; // unshared: the SMMU lock already covers the domain
    return withSmmuLock(sys, (P) => {
      if (inner) P.add(lockStep('lock domain', inner));
      P.add({
        label: m.lockless ? 'get domain (refs inc-not-zero), install STE' : 'install STE, get domain',
        run: (c) => {
          const h = c.sys.hyp, g = dom(c), s = c.args[0], sid = c.args[1];
          const live = m.lockless ? c.w.get(h.domRefs(g)) > 0 : c.w.get(h.domState(g)) === DOM_LIVE;
          if (!live) setRet(c, ENOENT);
          else if (c.w.get(h.ste(s, sid)) !== 0) setRet(c, EBUSY);
          else {
            c.w.set(h.ste(s, sid), g + 1);
            c.w.add(h.domRefs(g), 1);
            setRet(c, 0);
          }
          if (!inner && getRet(c) < 0) return P.to('out');
        },
      });
      if (inner) P.add(unlockStep('unlock domain', inner, (c) => (getRet(c) < 0 ? P.to('out') : undefined)));
      const at = P.here;
      P.add(...issueSteps('CFGI_STE', (c) => c.args[0], (c) => hypCfgi(c.args[1]), () => at + 2));
    }).steps;
  },
});

defineOp({
  name: 'hyp_detach', subsystem: 'hyp',
  description: 'host hypercall: clear a stream table entry, CFGI_STE + CMD_SYNC, then drop the domain reference; -ENOENT if unset',
  params: [P_SMMU, P_SID],
  build: (sys) => withSmmuLock(sys, (P) => {
    P.add({
      label: 'clear STE',
      run: (c) => {
        const h = c.sys.hyp, at = h.ste(c.args[0], c.args[1]);
        const v = c.w.get(at);
        if (v === 0) {
          setRet(c, ENOENT);
          return P.to('out');
        }
        c.w.set(at, 0);
        setLocal(c, 0, v);
      },
    });
    const at = P.here;
    P.add(...issueSteps('CFGI_STE', (c) => c.args[0], (c) => hypCfgi(c.args[1]), () => at + 2));
    P.add({
      label: 'put domain',
      run: (c) => {
        c.w.add(c.sys.hyp.domRefs(local(c, 0) - 1), -1);
        setRet(c, 0);
      },
    });
  }).steps,
});

defineOp({
  name: 'hyp_iotlb_inv', subsystem: 'hyp',
  description: 'host hypercall: invalidate a domain\'s TLB entries on an SMMU through the hypervisor\'s command queue (skipped while powered off)',
  params: [P_SMMU, P_DOMAIN],
  build: (sys) => {
    const unlocked = sys.variants.is('hyp-power-checked-unlocked'), dom = slotArg(1);
    const before = unlocked
      ? (P: Prog) => P.add({ label: 'read power_is_off', run: (c) => setLocal(c, 0, c.w.get(c.sys.hyp.power(c.args[0])) + 1) })
      : undefined;
    return withSmmuLock(sys, (P) => {
      const at = P.here;
      P.add(...issueSteps('TLBI', (c) => c.args[0], (c) => hypTlbi(dom(c)), () => at + 2,
        unlocked ? (c) => local(c, 0) === 2 : undefined));
      P.add({ label: 'return', run: (c) => setRet(c, 0) });
    }, before).steps;
  },
});

defineOp({
  name: 'hyp_power_off', subsystem: 'hyp', description: 'host hypercall (power-domain notifier): the SMMU is about to lose power',
  params: [P_SMMU],
  build: (sys) => withSmmuLock(sys, (P) => P.add({
    label: 'power_is_off = true',
    run: (c) => {
      c.w.set(c.sys.hyp.power(c.args[0]), 0);
      setRet(c, 0);
    },
  })).steps,
});

defineOp({
  name: 'hyp_power_on', subsystem: 'hyp', description: 'host hypercall (power-domain notifier): the SMMU is powered again; reset it (queue, TLBs)',
  params: [P_SMMU],
  build: (sys) => withSmmuLock(sys, (P) => P.add({
    label: 'reset SMMU, power_is_off = false',
    run: (c) => {
      c.w.set(c.sys.hyp.power(c.args[0]), 1);
      resetQueue(c, c.args[0]);
      setRet(c, 0);
    },
  })).steps,
});

defineOp({
  name: 'host_donate_guest', subsystem: 'hyp',
  description: 'host gives one of its pages to a guest VM; -EPERM if the host does not own it, -EBUSY while it is shared with DMA',
  params: [P_PAGE],
  build: () => [{
    label: 'donate page (host stage-2 lock)',
    run: (c) => {
      const h = c.sys.hyp, x = c.args[0];
      if (c.w.get(h.pageOwner(x)) !== OWNER_HOST) return void setRet(c, EPERM);
      if (c.w.get(h.pageShares(x)) !== 0) return void setRet(c, EBUSY);
      c.w.set(h.pageOwner(x), OWNER_GUEST);
      setRet(c, 0);
    },
  }],
});
