// Owns reading the CPU time of the calling thread (Linux /proc, 10 ms ticks): with wall time it tells a
// machine busy with other work (CPU well below wall) from a slow search (CPU close to wall).
import { readFileSync } from 'node:fs';

/** CPU ms this thread has used, or -1 where /proc/thread-self is not available. */
export function threadCpuMs(): number {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return -1;
  }
}
