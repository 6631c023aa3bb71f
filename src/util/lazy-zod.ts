/**
 * zod for modules on the start-up path that need it only once they are used: the perturbation
 * catalogue (`tailcheck perturbations`, `tailcheck perturb`) imports every perturbation, and two of
 * them check their options with zod — ~100 module files, ~60 ms of every start-up. Loaded on first
 * use, synchronously, because options are checked from synchronous code (`configured()`).
 *
 * This is zod's CommonJS build, a second copy beside the ES one the backends import: fine for
 * schemas that are only used where they are built (nothing checks one copy's objects with the other's).
 */
import { createRequire } from 'node:module';
import type { z } from 'zod';

let loaded: typeof z | undefined;

/** `build(z)` on first call, then the same value: `const schema = lazySchema((z) => z.strictObject({…}))`. */
export function lazySchema<T>(build: (zod: typeof z) => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    loaded ??= (createRequire(import.meta.url)('zod') as { z: typeof z }).z;
    value ??= { built: build(loaded) };
    return value.built;
  };
}
