import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { Steps } from './steps.js';
import { MAX_SEED, requireInteger } from './validate.js';

/** A deterministic random stream: the same seed gives the same sequence on every machine. */
export interface SeededRandom {
  /** Integer uniformly drawn from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** Number uniformly drawn from [0, 1). */
  float(): number;
  /** `count` draws from normal(mean, std), as float32 (model weights). */
  normals(count: number, std: number, mean?: number): Float32Array;
}

/**
 * SplitMix32, to spread a 32-bit seed over xoroshiro128+'s 128 bits of state. Seeded directly,
 * xoroshiro128+ starts from a nearly constant state, and the first draw of seeds 0, 1, 2, … is
 * close to 1 every time (a Poisson schedule's first gap was 18 mean gaps long).
 */
function splitMix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
}

/** A {@link SeededRandom} over xoroshiro128+, one stream per seed. */
export function seededRandom(seed: number): SeededRandom {
  const next = splitMix32(requireInteger('seed', seed, 0, MAX_SEED));
  const rng = xoroshiro128plusFromState([next(), next(), next(), next()]);
  const float = (): number => uniformFloat64(rng);
  return {
    int: (min, max) => uniformInt(rng, min, max),
    float,
    normals(count, std, mean = 0) {
      // Box–Muller; 1 - float() lies in (0, 1], so the logarithm is finite.
      const out = new Float32Array(count);
      for (let i = 0; i < count; i += 2) {
        const radius = std * Math.sqrt(-2 * Math.log(1 - float()));
        const angle = 2 * Math.PI * float();
        out[i] = mean + radius * Math.cos(angle);
        if (i + 1 < count) out[i + 1] = mean + radius * Math.sin(angle);
      }
      return out;
    },
  };
}

/** Draws per step of {@link normalSteps}: tens of milliseconds. Even, so that each step draws whole Box–Muller pairs. */
const NORMALS_PER_STEP = 1 << 20;

/** `random.normals(count, std, mean)`, the same values, drawn in steps (see {@link Steps}) of a million or fewer. */
export function* normalSteps(random: SeededRandom, count: number, std: number, mean = 0): Steps<Float32Array> {
  const out = new Float32Array(count);
  for (let start = 0; start < count; start += NORMALS_PER_STEP) {
    out.set(random.normals(Math.min(NORMALS_PER_STEP, count - start), std, mean), start);
    yield;
  }
  return out;
}
