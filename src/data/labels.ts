import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { editDistance } from '../util/strings.ts';

/** Dataset label → model label (`--label-map file.json`). Labels not in the map are used as they are. */
export type LabelMap = Readonly<Record<string, string>>;

/** Reads a label map: a JSON object of strings, e.g. {"card lost": "lost_or_stolen_card"}. */
export async function readLabelMap(path: string): Promise<LabelMap> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read (${(err as Error).message})`, {
      file: path,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
  } catch (err) {
    throw new InputError(`malformed JSON: ${(err as Error).message}`, { file: path });
  }
  return validateLabelMap(value, path);
}

/** Checks an in-memory label map (e.g. from a suite file); `source` names it in errors. */
export function validateLabelMap(value: unknown, source = 'label map'): LabelMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('a label map must be a JSON object like {"dataset label": "model label"}', {
      file: source,
    });
  }
  const map: Record<string, string> = Object.create(null);
  for (const [from, to] of Object.entries(value)) {
    if (typeof to !== 'string' || to === '') {
      throw new InputError(`must map to a non-empty string (a model label), got ${JSON.stringify(to)}`, {
        file: source,
        field: from,
      });
    }
    map[from] = to;
  }
  return map;
}

export function applyLabelMap(label: string, map?: LabelMap): string {
  return map !== undefined && Object.hasOwn(map, label) ? map[label]! : label;
}

function normalized(label: string): string {
  return label
    .toLowerCase()
    .replace(/[\s_\-.:/]+/g, ' ')
    .trim();
}

/** The closest model label when it is plausibly the intended one. */
function closest(label: string, modelLabels: readonly string[]): string | undefined {
  const want = normalized(label);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of modelLabels) {
    const d = editDistance(want, normalized(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(want.length / 4)) ? best : undefined;
}

/** Where the labels being checked come from, so the error can point at a line. */
export interface LabelSource {
  /** the data file */
  file?: string;
  /** the label field (default "label") */
  field?: string;
}

/**
 * Throws an InputError listing every dataset label (after `labelMap`) that the model cannot predict,
 * with a close model label where there is one, and how to fix it with `--label-map`. Given as a map
 * label → the line it first appears on, the error names the file, the first such line and the field.
 */
export function checkLabels(
  datasetLabels: Iterable<string> | ReadonlyMap<string, number>,
  modelLabels: readonly string[],
  labelMap?: LabelMap,
  source: LabelSource = {},
): void {
  const known = new Set(modelLabels);
  const firstLines =
    datasetLabels instanceof Map ? (datasetLabels as ReadonlyMap<string, number>) : undefined;
  const labels = firstLines ? firstLines.keys() : (datasetLabels as Iterable<string>);
  const unknown = new Map<string, string>(); // dataset label → mapped label
  for (const label of labels) {
    const mapped = applyLabelMap(label, labelMap);
    if (!known.has(mapped) && !unknown.has(label)) unknown.set(label, mapped);
  }
  if (unknown.size === 0) return;
  const lineOf = (label: string) => firstLines?.get(label);
  const listed = [...unknown].sort(([a], [b]) => (lineOf(a) ?? 0) - (lineOf(b) ?? 0));
  const lines = listed.map(([label, mapped]) => {
    const line = lineOf(label);
    const at = line !== undefined ? ` (line ${line})` : '';
    const via = mapped !== label ? ` (mapped to ${JSON.stringify(mapped)} by the label map)` : '';
    const near = closest(mapped, modelLabels);
    return `  ${JSON.stringify(label)}${at}${via}${near !== undefined ? ` — did you mean ${JSON.stringify(near)}?` : ''}`;
  });
  const shown = modelLabels.slice(0, 12).map((l) => JSON.stringify(l));
  const more = modelLabels.length > 12 ? `, … (${modelLabels.length} in all)` : '';
  const firstLine = lineOf(listed[0]![0]);
  throw new InputError(
    `${unknown.size} data label(s) are not labels of the model${firstLine !== undefined ? ' (each with the line it first appears on)' : ''}:\n${lines.join('\n')}\n` +
      `The model's labels: ${shown.join(', ')}${more}.\n` +
      'Map data labels to model labels with --label-map file.json ({"data label": "model label", …}).',
    {
      file: source.file,
      line: firstLine,
      field: source.file !== undefined || firstLine !== undefined ? (source.field ?? 'label') : source.field,
    },
  );
}
