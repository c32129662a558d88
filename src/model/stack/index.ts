// Owns the order in which the stack's subsystems declare their fields (imported for their side effects).
import '../domains/state';
import '../domains/ops';
import './pgtable';
import './iotlb';
import './cmdq';
import './flush';
import './flushqueue';
import '../sva';
import './ioasid';
import './hyp';
import './viommu';
