import { Worker } from 'node:worker_threads';

/** Spins for the milliseconds it is sent, then says so. */
const SPINNER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (ms) => {
  const untilMs = performance.now() + ms;
  while (performance.now() < untilMs);
  parentPort.postMessage('done');
});
`;

/**
 * Cores this process gets for two threads that each spin `spinMs`: their CPU time over the wall time they took. About
 * 2 where two cores are free, about 1 where other processes keep both busy (the scheduler shares them out).
 */
export async function coresForTwoThreads(spinMs = 100): Promise<number> {
  const workers = [0, 1].map(() => new Worker(SPINNER, { eval: true }));
  try {
    const spin = (ms: number): Promise<unknown> =>
      Promise.all(
        workers.map((w) => {
          const done = new Promise((resolve) => w.once('message', resolve));
          w.postMessage(ms);
          return done;
        }),
      );
    // A first, short spin waits out the threads' start-up, which is no measure of the cores.
    await spin(1);
    const cpuBefore = process.cpuUsage();
    const wallBeforeNs = process.hrtime.bigint();
    await spin(spinMs);
    const wallNs = Number(process.hrtime.bigint() - wallBeforeNs);
    const cpu = process.cpuUsage(cpuBefore);
    return ((cpu.user + cpu.system) * 1e3) / wallNs;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
