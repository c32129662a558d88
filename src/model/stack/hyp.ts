// Owns the pKVM-style hypervisor IOMMU and its untrusted host: the hypervisor owns the SMMUs, their
// domains, io-pgtables, command queues and power state; the host asks through hypercalls. The parts:
// hyp-state (settings, fields), hyp-mode (lock modes and variants), hyp-pgtable (table-page pool, page
// ownership), hyp-cmdq (command queue and its consumer), hyp-ops and hyp-map (the hypercalls).
import './hyp-state';
import './hyp-cmdq';
import './hyp-mode';
import './hyp-ops';
import './hyp-map';
