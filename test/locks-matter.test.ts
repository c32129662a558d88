// Locks that matter: a lock removed from the correct model, written as a user would write the patch (a
// variant of the operation, with the modelling API), is caught — by a functional invariant or as a data race —
// while the correct operation explores clean on the same scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ctx } from '../src/model/program';
import { variantOf } from '../src/model/api/define';
import { FREED, LIVE } from '../src/model/domains/state';
import { EBUSY, ENOENT } from '../src/model/errno';
import { CMD_SYNC, tlbiVa } from '../src/model/cmdq/state';
import { promiseClean, takeWatched, watching } from '../src/model/pgtable/state';
import { forEachBit, popCount } from '../src/model/bits';
import { findScenario } from '../src/model/scenarios';
import { runJob } from '../src/explorer/job';

// domain_free as upstream, minus mutex_lock(&domain->lock) / mutex_unlock
variantOf('domain_free', 'user-free-without-domain-lock', {
  faulty: true, description: 'domain_free reads the state and the attach count without the domain lock',
  steps: (b) => {
    const d = b.arg('domain'), v = b.local('val');
    return [
      b.load('read domain state', v, (c) => c.sys.dom.state(d(c))),
      b.jumpIf((c) => v.get(c) !== LIVE, 'enoent'),
      b.load('read attach count', v, (c) => c.sys.dom.refs(d(c))),
      b.jumpIf((c) => v.get(c) > 0, 'ebusy'),
      b.store('mark domain freed', (c) => c.sys.dom.state(d(c)), FREED),
      b.retDone(0),
      b.label('ebusy'), b.retDone(EBUSY),
      b.label('enoent'), b.retDone(ENOENT),
    ];
  },
});

// iotlb_sync on a one-instance domain, queuing its TLBIs and CMD_SYNC without spin_lock(&cmdq->lock)
variantOf('iotlb_sync', 'user-sync-without-cmdq-lock', {
  faulty: true, description: 'iotlb_sync inserts its commands into the queue without the queue lock',
  steps: (b) => {
    const d = b.arg('domain'), pages = b.local('pages'), prod = b.local('prod');
    const Q = (c: Ctx) => c.sys.cq.Q;
    return [
      b.compute('take gather', (c) => {
        const g = c.sys.fl.gather(c.t, d(c));
        pages.set(c, c.w.get(g));
        c.w.set(g, 0);
      }),
      b.load('read cmdq prod', prod, (c) => c.sys.cq.prod(0)),
      b.waitUntil('wait for room', (c) => c.w.atLeast(c.sys.cq.cons(0), prod.get(c) + popCount(pages.get(c)) + 1 - Q(c))),
      b.atomic('queue TLBIs + CMD_SYNC', 'one insertion', (c) => {
        let p = prod.get(c);
        const put = (cmd: number) => c.w.set(c.sys.cq.slot(0, p++ % Q(c)), cmd);
        forEachBit(pages.get(c), (pg) => put(tlbiVa(d(c), pg)));
        put(CMD_SYNC);
        c.w.set(c.sys.cq.prod(0), p);
        prod.set(c, p);
      }),
      b.waitUntil('wait for CMD_SYNC', (c) => c.w.atLeast(c.sys.cq.cons(0), prod.get(c))),
      b.compute('done', (c) => forEachBit(takeWatched(c, d(c)), (p) => {
        if (watching(c, d(c), p)) promiseClean(c, d(c), p);
      })),
      b.retDone(0),
    ];
  },
});

const cases = [
  { scenario: 'free-racing-attach-detach', variant: 'user-free-without-domain-lock' },
  { scenario: 'two-drivers-sync-one-queue', variant: 'user-sync-without-cmdq-lock' },
];

for (const { scenario, variant } of cases) {
  test(`${scenario}: ${variant} is caught, the upstream operation is clean`, (t) => {
    const sc = findScenario(scenario);
    const bad = runJob({ scenario: sc, variants: [variant] }, { minimize: false });
    assert.equal(bad.verdict, 'violation');
    t.diagnostic(`${bad.violation!.invariant}: ${bad.violation!.message}`);
    // and each way it can be caught: the data race, and the functional symptom without the race check
    const functional = runJob({ scenario: sc, variants: [variant] }, {
      minimize: false, invariants: ['no-domain-freed-while-attached', 'no-stale-tlb-after-sync', 'refcount-sane', 'isolation'],
    });
    t.diagnostic(`without no-data-race: ${functional.violation?.invariant}: ${functional.violation?.message}`);
    assert.equal(functional.verdict, 'violation');
    const race = runJob({ scenario: sc, variants: [variant] }, { minimize: false, invariants: ['no-data-race'] });
    assert.equal(race.violation?.invariant, 'no-data-race');
    t.diagnostic(race.violation!.message);
    assert.equal(runJob({ scenario: sc, variants: [] }).verdict, 'clean');
  });
}

// a sleeping lock taken under a spinlock, in any subsystem: might_sleep is the core's
variantOf('domain_free', 'user-free-mutex-under-spinlock', {
  faulty: true, description: 'domain_free takes the domain mutex while holding a spinlock',
  steps: (b) => {
    const d = b.arg('domain'), v = b.local('val');
    return [
      b.spinLock('spin_lock(cmdq->lock)', (c) => c.sys.cq.lock(0)),
      b.mutexLock('mutex_lock(domain->lock)', (c) => c.sys.dom.lock(d(c))),
      b.load('read domain state', v, (c) => c.sys.dom.state(d(c))),
      b.mutexUnlock('mutex_unlock(domain->lock)', (c) => c.sys.dom.lock(d(c))),
      b.spinUnlock('spin_unlock(cmdq->lock)', (c) => c.sys.cq.lock(0)),
      b.retDone(0),
    ];
  },
});

test('a mutex taken under a spinlock is caught by no-sleep-in-atomic, whatever the subsystem', () => {
  const r = runJob({ scenario: findScenario('two-frees-one-domain'), variants: ['user-free-mutex-under-spinlock'] }, { minimize: false });
  assert.equal(r.violation?.invariant, 'no-sleep-in-atomic');
  assert.match(r.violation!.message, /took the sleeping lock domain\.lock\[0\] in atomic context/);
});
