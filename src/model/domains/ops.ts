// Owns the operations on domains, written with the step builder: domain_alloc, domain_free (-EBUSY while
// devices are attached), attach (same configuration of instance, group mates in the same domain) and detach
// with the attach refcount, each split at its shared accesses; and their faulty variants.
import type { Ctx } from '../program';
import { operation, variantOf } from '../api/define';
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { EBUSY, EINVAL, ENODEV, ENOENT, EEXIST } from '../errno';
import { forgetDomainOnInstance } from '../iotlb/state';
import { FREED, LIVE, UNALLOCATED, servingInstancesPeek, touchDomain } from './state';

const domainArgs = [{ name: 'domain', kind: 'domain' }] as const;

operation({
  name: 'domain_alloc', subsystem: 'domains', description: 'allocate a paging domain (it must not be live yet)',
  params: domainArgs,
  steps: (b) => {
    const d = b.arg('domain');
    return [
      b.atomic('allocate domain', 'a new object: no other thread reaches the domain before domain_alloc returns it', (c) => {
        const at = c.sys.dom.state(d(c));
        if (c.w.get(at) !== UNALLOCATED) return void c.w.set(c.sys.ret(c.t), EEXIST);
        c.w.set(at, LIVE);
        c.w.set(c.sys.ret(c.t), 0);
      }),
    ];
  },
});

/** domain_free's steps; `checkRefs` false skips the attach count (the faulty variant). */
function freeSteps(b: Builder, checkRefs: boolean): Item[] {
  const d = b.arg('domain');
  const v = b.local('val');
  const lock = (c: Ctx) => c.sys.dom.lock(d(c));
  return [
    b.mutexLock('mutex_lock(domain->lock)', lock, 'domain->lock'),
    b.load('read domain state', v, (c) => c.sys.dom.state(d(c))),
    b.jumpIf((c) => v.get(c) !== LIVE, 'enoent'),
    ...(checkRefs
      ? [b.load('read attach count', v, (c) => c.sys.dom.refs(d(c))), b.jumpIf((c) => v.get(c) > 0, 'ebusy')]
      : []),
    // the free touches the domain's memory: a second free of it is a use-after-free (KASAN: double-free)
    b.store('mark domain freed', (c) => (touchDomain(c, d(c)), c.sys.dom.state(d(c))), FREED),
    b.ret(0),
    b.goto('unlock'),
    ...b.errorReturns([['ebusy', EBUSY], ['enoent', ENOENT]], 'unlock'),
    b.mutexUnlock('mutex_unlock(domain->lock)', lock, 'domain->lock'),
  ];
}

operation({
  name: 'domain_free', subsystem: 'domains', description: 'free a paging domain; -EBUSY while devices are attached',
  params: domainArgs,
  variant: { name: 'free-checks-attach-count', description: 'domain_free fails with -EBUSY while devices are attached (checked under the domain lock)' },
  steps: (b) => freeSteps(b, true),
});

variantOf('domain_free', 'free-ignores-attach-count', {
  faulty: true, description: 'domain_free releases the domain even though devices are still attached to it',
  steps: (b) => freeSteps(b, false),
});

operation({
  name: 'attach', subsystem: 'domains',
  description: 'attach a device to a domain (same configuration of instance, group mates in the same domain)',
  params: [{ name: 'device', kind: 'device' }, { name: 'domain', kind: 'domain' }],
  steps: (b) => {
    const dev = b.arg('device'), d = b.arg('domain');
    const v = b.local('val'), u = b.local('mate');
    const f = (c: Ctx) => c.sys.dom;
    const group = (c: Ctx) => f(c).groupLock(f(c).devGroup[dev(c)]);
    const dlock = (c: Ctx) => f(c).lock(d(c));
    return [
      b.mutexLock('mutex_lock(group->mutex)', group, 'group->mutex'),
      b.mutexLock('mutex_lock(domain->lock)', dlock, 'domain->lock'),
      b.load('read domain state', v, (c) => f(c).state(d(c))),
      b.jumpIf((c) => v.get(c) !== LIVE, 'enoent'), // the domain id no longer resolves
      b.jumpIf((c) => f(c).instanceConfig[f(c).devInstance[dev(c)]] !== f(c).instanceConfig[f(c).owner[d(c)]], 'einval'),
      b.load('read device domain', v, (c) => f(c).devDomain(dev(c))),
      b.jumpIf((c) => v.get(c) !== 0, 'ebusy'),
      // every group mate must be detached or in this domain
      b.label('mate'),
      b.compute('next group mate', (c) => {
        let k = u.get(c);
        while (k < f(c).V && (k === dev(c) || f(c).devGroup[k] !== f(c).devGroup[dev(c)])) k++;
        u.set(c, k);
        return k < f(c).V ? undefined : 'install';
      }),
      b.load('read group mate domain', v, (c) => f(c).devDomain(u.get(c))),
      b.jumpIf((c) => v.get(c) !== 0 && v.get(c) !== d(c) + 1, 'ebusy'),
      b.compute('on to the next mate', (c) => (u.set(c, u.get(c) + 1), 'mate')),
      b.label('install'),
      b.store('write the device STE', (c) => f(c).devDomain(dev(c)), (c) => {
        // a fresh ASID on an instance that served the domain through no device yet (bookkeeping)
        const inst = f(c).devInstance[dev(c)];
        if ((servingInstancesPeek(c, d(c)) & (1 << inst)) === 0) forgetDomainOnInstance(c, inst, d(c));
        return d(c) + 1;
      }),
      b.load('read attach count', v, (c) => f(c).refs(d(c))),
      b.store('attach count + 1', (c) => f(c).refs(d(c)), (c) => v.get(c) + 1, 'get'),
      b.ret(0),
      b.goto('unlock'),
      ...b.errorReturns([['ebusy', EBUSY], ['einval', EINVAL], ['enoent', ENOENT]], 'unlock'),
      b.mutexUnlock('mutex_unlock(domain->lock)', dlock, 'domain->lock'),
      b.mutexUnlock('mutex_unlock(group->mutex)', group, 'group->mutex'),
    ];
  },
});

/** detach's steps; `puts` attach-count drops (2 in the faulty variant). */
function detachSteps(b: Builder, puts: number): Item[] {
  const dev = b.arg('device');
  const dom = b.local('domain'), v = b.local('val');
  const f = (c: Ctx) => c.sys.dom;
  const group = (c: Ctx) => f(c).groupLock(f(c).devGroup[dev(c)]);
  const dlock = (c: Ctx) => f(c).lock(dom.get(c) - 1);
  const put: Item[] = [];
  for (let k = 0; k < puts; k++)
    put.push(
      b.load('read attach count', v, (c) => f(c).refs(dom.get(c) - 1)),
      b.store('attach count - 1', (c) => f(c).refs(dom.get(c) - 1), (c) => v.get(c) - 1, 'put'),
    );
  return [
    b.mutexLock('mutex_lock(group->mutex)', group, 'group->mutex'),
    b.load('look up domain', dom, (c) => f(c).devDomain(dev(c))),
    b.jumpIf((c) => dom.get(c) === 0, 'enodev'),
    b.mutexLock('mutex_lock(domain->lock)', dlock, 'domain->lock'),
    b.store('clear the device STE', (c) => f(c).devDomain(dev(c)), 0),
    ...put,
    b.ret(0),
    b.mutexUnlock('mutex_unlock(domain->lock)', dlock, 'domain->lock'),
    b.goto('unlock'),
    b.label('enodev'), b.ret(ENODEV),
    b.label('unlock'),
    b.mutexUnlock('mutex_unlock(group->mutex)', group, 'group->mutex'),
  ];
}

operation({
  name: 'detach', subsystem: 'domains', description: 'detach a device from its domain and drop the attach refcount',
  params: [{ name: 'device', kind: 'device' }],
  variant: { name: 'detach-single-put', description: 'detach drops the domain attach refcount once' },
  steps: (b) => detachSteps(b, 1),
});

variantOf('detach', 'detach-double-put', {
  faulty: true, description: 'detach drops the attach refcount twice (a put in both the release helper and its caller)',
  steps: (b) => detachSteps(b, 2),
});
