// Owns the encoding of the commands the hypervisor sends an SMMU (a TLBI of a domain, a CFGI of a stream
// table entry, a CMD_SYNC) and their names in traces.

export const HCMD_TLBI = 1;
export const HCMD_CFGI_STE = 2;
export const HCMD_SYNC = 3;

export const hypTlbi = (g: number): number => HCMD_TLBI | (g << 2);
export const hypCfgi = (sid: number): number => HCMD_CFGI_STE | (sid << 2);

export function describeHypCmd(cmd: number): string {
  const kind = cmd & 3, arg = cmd >> 2;
  if (kind === HCMD_TLBI) return `TLBI_S12_VMALL(domain slot ${arg})`;
  if (kind === HCMD_CFGI_STE) return `CFGI_STE(sid ${arg})`;
  if (kind === HCMD_SYNC) return 'CMD_SYNC';
  return 'nothing';
}
