// Owns writing the command's output: straight to file descriptors 1 and 2, synchronously, rather than through
// process.stdout and process.stderr, whose stream objects load node's stream modules (about 4 ms of a short run's
// start-up). Synchronous writes also mean nothing is lost when the process exits right after. A full pipe (EAGAIN,
// when another writer made it non-blocking) is waited out; a reader that went away (EPIPE) or a closed descriptor
// (EBADF: `>&-`) ends that output quietly.
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length;) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'EBADF') return;
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** A line to standard output (console.log of one string). */
export function printLine(text: string): void {
  writeAll(1, `${text}\n`);
}

/** Text, as given, to standard error (messages, warnings, progress). */
export function printErr(text: string): void {
  writeAll(2, text);
}
