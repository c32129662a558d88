// Owns SVA: process address spaces (mm) bound to devices through SVA domains, one per (mm, IOMMU
// instance), refcounted by their bonds, each holding the mm_struct (mmgrab) that owns the PASID.
// The state lives in sva-state.ts, binding in sva-bind.ts, process exit in sva-mm.ts.
import './sva-state';
import './sva-bind';
import './sva-mm';
