// Owns the core dimensions of a hyp scenario: none (the hypervisor model has its own SMMUs, domains and pages).
export const noCoreStack = { instances: [] as number[], devices: [], domains: [], pages: 1, phys: 1 };
