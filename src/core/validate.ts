import { InferbenchError } from './errors.js';

/** Largest seed: the generators take 32 bits, and larger seeds would silently collide. */
export const MAX_SEED = 0xffff_ffff;

/** `value` if it is an integer from `min` to `max` (by default the largest a number holds exactly); otherwise an INVALID_OPTION error naming it. */
export function requireInteger(name: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    // The default ceiling goes unsaid unless it is the limit passed.
    const range = max === Number.MAX_SAFE_INTEGER && !(value > max) ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new InferbenchError('INVALID_OPTION', `${name} must be an integer ${range}, got ${value}`);
  }
  return value;
}

/** `value` if it is a finite number above 0; otherwise an INVALID_OPTION error naming it. */
export function requirePositive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InferbenchError('INVALID_OPTION', `${name} must be a positive number, got ${value}`);
  }
  return value;
}
