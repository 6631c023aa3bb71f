/**
 * The backend registry: `--model <spec>` goes to the first backend whose matches(spec) is true.
 *   cmd:<command line>          a long-lived child process speaking JSON Lines (command.ts)
 *   http://… / https://…        a JSON-over-HTTP endpoint (http.ts)
 *   path/to/model.{js,mjs,ts}   a module exporting `labels` and `classify` (module.ts)
 *   (none), folder, org/name    the bundled model, a transformers.js folder or Hub id (transformers.ts)
 *
 * A list rather than a directory scan: the order is the dispatch priority (transformers.js is the
 * fallback and must come last), and a static list lets TypeScript derive the ClassifierOptions type
 * and the CLI flags' types from the backends' option declarations. Adding a backend: its file in this
 * folder and one entry here. The order also sets the order of the backends' flags in --help.
 */
import command from './command.ts';
import http from './http.ts';
import module from './module.ts';
import transformers from './transformers.ts';

export const BACKENDS = [http, command, module, transformers] as const;
