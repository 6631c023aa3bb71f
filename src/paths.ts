import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with tailcheck's package.json), from src/ or dist/src/. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('tailcheck: cannot find the package root (package.json beside models/)');
}

export const PACKAGE_ROOT = findPackageRoot();
/** The bundled BANKING77-LT classifier (transformers.js layout). */
export const BUNDLED_MODEL_DIR = join(PACKAGE_ROOT, 'models', 'banking77-lt');
/** The meaning check's sentence encoder: all-MiniLM-L6-v2, q8 (transformers.js layout). */
export const BUNDLED_ENCODER_DIR = join(PACKAGE_ROOT, 'models', 'all-MiniLM-L6-v2');
/** The bundled evaluation set: banking-style queries written for this project. */
export const BUNDLED_EVAL_DATA = join(PACKAGE_ROOT, 'data', 'bank-queries.jsonl');
