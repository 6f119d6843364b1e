import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
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

/** A {@link SeededRandom} over xoroshiro128+, one stream per seed. */
export function seededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(requireInteger('seed', seed, 0, MAX_SEED));
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
