// Owns the iommufd-style vIOMMU subsystem's registration, in declaration order: its state and scenario
// section, the command kinds of the physical SMMU, its vdev ids, the guest's memory, nested DMA, and the
// guest's invalidation batches dispatched to the physical IOMMUs.
import './state';
import './commands';
import './ids';
import './guest';
import './dma';
import './invalidate';
