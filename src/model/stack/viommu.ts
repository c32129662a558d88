// Owns the iommufd-style vIOMMU subsystem's registration: its state and scenario section, its vdev ids,
// and the guest side (stage-1 tables, nested DMA, invalidation batches dispatched to the physical IOMMUs).
import './viommu-state';
import './viommu-ids';
import './viommu-guest';
