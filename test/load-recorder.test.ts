import { describe, expect, it } from 'vitest';
import { LoadRecorder } from '../src/load/load-recorder.js';
import { resolveLoadSettings } from '../src/options/load-settings.js';

const listeners = { onRequestComplete: () => {}, onWindow: () => {} };
const unrecorded = { warmupQueries: 0, firstInference: { latencyNs: [], computeNs: [] }, stopReason: 'duration' as const };

/** One query sent at `sentNs`, answered at `endNs`, on simulated clocks. */
function answer(recorder: LoadRecorder, sentNs: number, endNs: number): void {
  recorder.onSend(sentNs, sentNs);
  recorder.onRequest({ requestIndex: 0, queryIndex: 0, copyIndex: 0, inputIndex: 0, scheduledNs: sentNs, sentNs, computeStartNs: sentNs, computeNs: endNs - sentNs, endNs }, endNs);
  recorder.onQuery(sentNs, endNs);
}

describe('LoadRecorder', () => {
  const settings = resolveLoadSettings({ minDurationMs: 1000, maxDurationMs: 1000 });

  it('ends the measured span when issuing stopped, if that came after the last answer', () => {
    const recorder = new LoadRecorder(settings, 1, 5_000, listeners);
    answer(recorder, 5_000, 999_983_000);
    // The closed loop's client asked to send again 30 µs after the answer, at 1 s: the duration was up.
    const result = recorder.finish(unrecorded, 1_000_005_000);
    expect(result.elapsedNs).toBe(1_000_000_000);
    expect(result.completedQueries).toBe(1);
  });

  it('ends it at the last answer when queries were still in flight as issuing stopped', () => {
    const recorder = new LoadRecorder(settings, 1, 0, listeners);
    answer(recorder, 900_000_000, 1_200_000_000);
    expect(recorder.finish(unrecorded, 1_000_000_000).elapsedNs).toBe(1_200_000_000);
  });
});
