// Owns the order in which the stack's subsystems declare their fields (imported for their side effects).
import '../domains/state';
import '../domains/ops';
import '../pgtable/state';
import '../iotlb/state';
import '../cmdq/state';
import '../flush/state';
import '../flushqueue/state';
import '../pgtable/ops';
import '../iotlb/dma';
import '../flush/ops';
import '../flushqueue/ops';
import '../sva';
import '../ioasid';
import '../hyp';
import '../viommu';
