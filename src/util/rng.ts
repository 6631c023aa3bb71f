import type { Rng } from '../types.ts';

/**
 * Seeded randomness that depends only on its key, never on call order elsewhere:
 * every variant, bootstrap resample or shard assignment builds its own generator
 * from a key like (seed, perturbation, severity, variant, text). Integer-only
 * arithmetic (Math.imul, >>> 0) makes the stream identical on every machine.
 */

/** cyrb128: a fast, well-mixed 128-bit string hash → four 32-bit words. */
export function hash128(key: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit hash of a string, e.g. for shard assignment. */
export function hash32(key: string): number {
  return hash128(key)[0];
}

/** Key parts are joined with a separator that cannot occur in numbers or names. */
export function rngKey(...parts: readonly (string | number)[]): string {
  return parts.join('\u241f');
}

/**
 * sfc32 generator. A class rather than closures: one is created per variant, so construction
 * sits on the perturbation hot path.
 */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    [this.a, this.b, this.c, this.d] = hash128(key);
    // Discard the first outputs: sfc32 mixes poorly for a few rounds after seeding.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  private nextU32(): number {
    const a = this.a >>> 0;
    const b = this.b >>> 0;
    const c = this.c >>> 0;
    let t = (a + b) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (rotated + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextU32() / 4294967296;
  }

  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`rng.int needs n >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick on an empty array');
    return items[this.int(items.length)] as T;
  }

  sample<T>(items: readonly T[], k: number): T[] {
    // Partial Fisher–Yates: O(k) swaps on a copy.
    const pool = items.slice();
    const m = Math.min(k, pool.length);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(pool.length - i);
      const tmp = pool[i] as T;
      pool[i] = pool[j] as T;
      pool[j] = tmp;
    }
    return pool.slice(0, m);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}

/** A seeded generator whose stream depends only on `key`. */
export function createRng(key: string): Rng {
  return new Sfc32(key);
}
