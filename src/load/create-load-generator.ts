import { ClosedLoopLoadGenerator } from './closed-loop.js';
import type { LoadGenerator } from './load-generator.js';
import type { LoadOptions } from '../options/load-settings.js';
import { OfflineLoadGenerator } from './offline.js';
import { OpenLoopLoadGenerator } from './open-loop.js';
import { parseScenario, SCENARIOS } from '../options/scenarios.js';

/** The load generator of `options.scenario` (default `closed`). */
export function createLoadGenerator(options: LoadOptions = {}): LoadGenerator {
  // An unknown scenario goes to the closed loop, whose settings refuse it in one line.
  const scenario = parseScenario(options.scenario ?? 'closed');
  const loop = scenario && SCENARIOS[scenario].loop;
  if (loop === 'open') return new OpenLoopLoadGenerator(options);
  if (loop === 'offline') return new OfflineLoadGenerator(options);
  return new ClosedLoopLoadGenerator(options);
}
