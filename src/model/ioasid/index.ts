// Owns the IOASID (PASID) allocator subsystem: its definition (the `ioasid` scenario section, the layout and
// starting values of state.ts, the deferred-FREE worker of notify.ts) and the order in which its files
// register their operations and variants.
import { defineSubsystem } from '../system';
import { validateIoasid } from './section';
import { ioasidState } from './state';
import './lock';
import './alloc';
import './set';
import { deferredNotifyWorker } from './notify';
import './free';
import './bind';

defineSubsystem({
  name: 'ioasid',
  section: 'ioasid',
  validate: validateIoasid,
  declare: ioasidState.declare,
  initial: ioasidState.initial,
  actors: (sys) => (sys.ias.present && sys.variants.is('free-notify-deferred') ? [deferredNotifyWorker] : []),
});
