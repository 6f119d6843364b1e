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
}

/** A {@link SeededRandom} over xoroshiro128+, one stream per seed. */
export function seededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(requireInteger('seed', seed, 0, MAX_SEED));
  return {
    int: (min, max) => uniformInt(rng, min, max),
    float: () => uniformFloat64(rng),
  };
}
