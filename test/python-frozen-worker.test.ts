import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../src/backends/backend.js';
import { type CompiledArtifact } from '../src/compilers/compiler.js';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { PythonBackend } from '../src/runtimes/torch/python-backend.js';
import type { PythonModelCopy } from '../src/runtimes/torch/python-model-copy.js';

const inputs = { feeds: [{ input: { type: 'float32' as const, dims: [1], data: Float32Array.of(1) } }], batchSize: 1, description: 'one float' };

describe('a Python worker frozen mid-run (null format, any python3)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends a run given no request timeout: its copy is killed at the default one, and nothing more is issued', async () => {
    const loaded = await new PythonBackend({ format: 'null' }).load({ artifact: { path: '' } as CompiledArtifact, inputs, copies: 1 });
    const copy = loaded.copies[0] as PythonModelCopy;
    try {
      // Only the timers are simulated, from here on: the minute of the default timeout passes at once.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let completed = 0;
      let frozen = (): void => {};
      const stopped = new Promise<void>((resolve) => (frozen = resolve));
      const run = new ClosedLoopLoadGenerator({ clients: 2, queryCount: 100, warmupQueries: 0 }).run(
        { copies: loaded.copies, inputCount: 1 },
        {
          onRequestComplete: () => {
            // A stopped process reads nothing: no request sent to it from now on is answered.
            if (++completed === 20) process.kill(copy.pid!, 'SIGSTOP');
            if (completed === 20) frozen();
          },
        },
      );
      let settled = false;
      void run.then(() => (settled = true));
      await stopped;
      await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS / 2);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS / 2);
      // The process is killed; its exit is seen through the event loop, which some timers of its own may take.
      while (!settled) {
        await new Promise(setImmediate);
        await vi.advanceTimersByTimeAsync(10);
      }
      const result = await run;
      expect(result.stopReason).toBe('copies-failed');
      expect(result.completedQueries).toBeGreaterThanOrEqual(20);
      expect(result.completedQueries).toBeLessThan(100);
      expect(copy.gone).toBe(true);
    } finally {
      vi.useRealTimers();
      await loaded.close();
    }
  });
});
