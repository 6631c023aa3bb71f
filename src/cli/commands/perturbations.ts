import { meaningPolicyOf } from '../../perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../../perturb/registry.ts';

import { defineCommand } from '../define-command.ts';

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
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const width = Math.max(...defs.map((d) => d.name.length), 4);
    const lines: string[] = [];
    let family = '';
    for (const d of defs) {
      if (d.family !== family) {
        family = d.family;
        lines.push('', `${family}`);
      }
      const flags = [d.heavy ? 'heavy' : '', d.needsModel ? 'needs a model (name it explicitly)' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${d.name.padEnd(width)}  ${d.description}${flags ? ` [${flags}]` : ''}`);
      const m = meaningPolicyOf(d);
      const meaning = 'threshold' in m ? `similarity ≥ ${m.threshold.toFixed(2)}` : `exempt (${m.exempt})`;
      lines.push(`  ${''.padEnd(width)}    tag: ${d.tag} · meaning check: ${meaning}`);
      for (const s of severitiesOf(d)) lines.push(`  ${''.padEnd(width)}    ${s}: ${d.severities[s]}`);
    }
    lines.push(
      '',
      'Select with --perturb: exact names, family names (typo), tags (natural, synthetic) or all,',
      'comma-separated (a union). natural: what real users type; synthetic: adversarial or machine noise.',
      'Perturbations that need a model are left out of family, tag and "all" selections.',
      'Each perturbation runs only at the severities it lists; --severity all runs all of them.',
      'Meaning check: a synonym or paraphrase variant below its similarity threshold is re-drawn or',
      'dropped as rejected (--no-meaning-check turns it off).',
    );
    process.stdout.write(`${lines.join('\n').replace(/^\n/, '')}\n`);
  },
});
