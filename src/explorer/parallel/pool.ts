// Owns the worker threads of the parallel search: started on first use and kept for the next job of the same
// process (starting one costs 150-200 ms of module loading on this project's machine, more than many jobs
// take), each running one job at a time, and unref'd while idle so they never keep the process alive. A worker
// that fails or exits is dropped; the next job starts a fresh one.
import { Worker, type Transferable } from 'node:worker_threads';
import { extname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { WorkerInput, WorkerOutput } from './protocol';

const idle: Worker[] = [];

/** The worker's module: beside this one (compiled or under ts-node), or, from the bundled CLI (dist/cli.js), the
 * compiled one (workers load dist/src/ as files, so a user's module they preload shares their API instance). */
function workerFile(): string {
  const beside = join(__dirname, `worker${extname(__filename)}`);
  return existsSync(beside) ? beside : join(__dirname, 'src', 'explorer', 'parallel', 'worker.js');
}

function start(): Worker {
  const file = workerFile();
  const execArgv = extname(__filename) === '.ts' ? ['--require', 'ts-node/register'] : [];
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
  return new Worker(file, { execArgv, env });
}

/** Runs one job on one worker of the pool; the worker goes back to the pool when it answered. */
function runOn(w: Worker, input: WorkerInput, transfer: Transferable[]): Promise<WorkerOutput> {
  w.ref();
  return new Promise<WorkerOutput>((resolve, reject) => {
    const done = (): void => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (o: WorkerOutput): void => {
      done();
      w.unref();
      idle.push(w);
      resolve(o);
    };
    const onError = (e: Error): void => {
      done();
      void w.terminate();
      reject(e);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`worker exited with code ${code} before reporting`));
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    w.postMessage(input, transfer);
  });
}

/** Runs inputs[i] on a worker each (idle ones first, new ones for the rest), moving transfer(i) (message ports)
 * with it; every worker's answer, in order. */
export function runOnWorkers(inputs: WorkerInput[], transfer: (i: number) => Transferable[] = () => []): Promise<WorkerOutput[]> {
  return Promise.all(inputs.map((input, i) => runOn(idle.pop() ?? start(), input, transfer(i))));
}
