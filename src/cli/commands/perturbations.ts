import { definitionFlags } from '../../perturb/catalogue.ts';
import { meaningPolicyOf } from '../../perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../../perturb/registry.ts';
import type { PerturbationDefinition } from '../../types.ts';
import { defineCommand } from '../define-command.ts';
import { outputWidth, wrapText } from '../wrap.ts';

const SELECTION_NOTES = [
  'Select with --perturb: exact names, family names (typo), tags (natural, synthetic) or all, comma-separated (a union). natural: what real users type; synthetic: adversarial or machine noise.',
  'Perturbations that need a model are left out of family, tag and "all" selections.',
  'Each perturbation runs only at the severities it lists; --severity all runs all of them.',
  'Meaning check: a synonym or paraphrase variant below its similarity threshold is re-drawn or dropped as rejected (--no-meaning-check turns it off).',
];

/** Below this many columns beside the names, descriptions go under the name instead. */
const MIN_TEXT_COLUMNS = 30;

/**
 * The catalogue as text wrapped to `width` columns: per family, each perturbation's name with its
 * description beside it (under it on a narrow terminal), then its tag, meaning check and severities.
 */
export function renderCatalogue(defs: readonly PerturbationDefinition[], width: number): string {
  const nameWidth = Math.max(...defs.map((d) => d.name.length), 4);
  const beside = width - (nameWidth + 8) >= MIN_TEXT_COLUMNS;
  const textIndent = ' '.repeat(beside ? nameWidth + 4 : 4);
  const detailIndent = ' '.repeat(beside ? nameWidth + 8 : 6);
  const lines: string[] = [];
  let family = '';
  for (const d of defs) {
    if (d.family !== family) {
      family = d.family;
      lines.push('', family);
    }
    const flags = definitionFlags(d).join(', ');
    const description = `${d.description}${flags ? ` [${flags}]` : ''}`;
    if (beside) lines.push(...wrapText(description, width, `  ${d.name.padEnd(nameWidth)}  `, textIndent));
    else lines.push(`  ${d.name}`, ...wrapText(description, width, textIndent));
    const m = meaningPolicyOf(d);
    const meaning = 'threshold' in m ? `similarity ≥ ${m.threshold.toFixed(2)}` : `exempt (${m.exempt})`;
    const fairness = d.fairness ? ` · fairness slice: ${d.fairness}` : '';
    lines.push(...wrapText(`tag: ${d.tag} · meaning check: ${meaning}${fairness}`, width, detailIndent));
    for (const s of severitiesOf(d)) {
      lines.push(...wrapText(`${s}: ${d.severities[s]}`, width, detailIndent, `${detailIndent}   `));
    }
    const keys = Object.keys(d.lexicons ?? {});
    if (keys.length > 0)
      lines.push(...wrapText(`lexicon entries (--lexicon): ${keys.join(', ')}`, width, detailIndent));
  }
  lines.push('');
  for (const note of SELECTION_NOTES) lines.push(...wrapText(note, width));
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}

export default defineCommand({
  command: 'perturbations',
  describe: 'List the available perturbations and what each severity means',
  builder: (yargs) =>
    yargs.options({
      json: { type: 'boolean', default: false, describe: 'Print the catalogue as a JSON array' },
    }),
  handler: async (argv) => {
    const defs = (await loadRegistry()).list();
    if (argv.json) {
      const rows = defs.map((d) => ({
        name: d.name,
        family: d.family,
        tag: d.tag,
        description: d.description,
        severities: Object.fromEntries(severitiesOf(d).map((s) => [s, d.severities[s]])),
        heavy: d.heavy === true,
        needsModel: d.needsModel === true,
        meaning: meaningPolicyOf(d),
        directional: d.directional === true,
        editsProtected: [...(d.editsProtected ?? [])],
        lexicons: { ...d.lexicons },
        ...(d.fairness ? { fairness: d.fairness } : {}),
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    process.stdout.write(renderCatalogue(defs, outputWidth()));
  },
});
