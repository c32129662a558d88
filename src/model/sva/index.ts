// Owns SVA: process address spaces (mm) bound to devices through SVA domains, one per (mm, IOMMU instance),
// counted by the handles (bonds) that use them, each pinning with mmgrab the mm_struct that owns the PASID.
// Imported for its side effects, in this order: the state (and the policies it reads), then the operations.
import './policy';
import './state';
import './bind';
import './unbind';
import './dma';
import './exit';
