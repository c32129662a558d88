// Owns the pKVM-style hypervisor IOMMU and its untrusted host: the hypervisor owns the SMMUs, their
// domains, io-pgtables, command queues and power state; the host asks through hypercalls. The parts:
// state (settings, fields and their access classes), commands (command encodings), cmdq (command queue and
// its consumer), mode (lock modes), pool (table pages, entry accesses), memory (host page ownership, DMA
// refcounts, donation), domain (alloc/free), attach (attach/detach), power (power off/on), invalidate
// (iotlb_inv, an unmap's invalidation), map and unmap.
import './state';
import './cmdq';
import './mode';
import './memory';
import './domain';
import './attach';
import './invalidate';
import './power';
import './map';
import './unmap';
