// Owns the bit-mask helpers that steps use for small sets (pages of a gather, instances to flush).

export function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

export function forEachBit(mask: number, f: (bit: number) => void): void {
  for (let m = mask; m !== 0; m &= m - 1) f(lowestBit(m));
}

export function popCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
