/**
 * Measurement-layer benchmark: computeResults on synthetic records the size of a full audit —
 * 3,000 examples over 77 long-tailed classes, 8 perturbations × 3 severities (24 results + 3 pooled
 * summaries), one variant each (10 % unchanged), 1,000 bootstrap resamples.
 *
 *   npx tsx bench/measure.ts [--examples 3000] [--perturbations 8] [--resamples 1000] [--runs 3]
 */
import { assignBuckets } from '../src/measure/buckets.ts';
import { computeResults } from '../src/measure/results.ts';
import type { ExampleRecord, Severity, VariantRecord } from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const nExamples = flag('examples', 3000);
const nPerturbations = flag('perturbations', 8);
const resamples = flag('resamples', 1000);
const runs = flag('runs', 3);
const severities: Severity[] = [1, 2, 3];

const rng = createRng('bench-measure');
const labels = Array.from({ length: 77 }, (_, i) => `class_${String(i).padStart(2, '0')}`);
// Zipf-like training counts from 1,000 down to 4.
const counts = Object.fromEntries(labels.map((l, i) => [l, Math.max(4, Math.round(1000 / (i + 1) ** 1.1))]));
const totalCount = Object.values(counts).reduce((s, c) => s + c, 0);
const cumulative: number[] = [];
labels.reduce((acc, l) => {
  cumulative.push(acc + counts[l] / totalCount);
  return acc + counts[l] / totalCount;
}, 0);
const drawLabel = (): string =>
  labels[
    Math.min(
      labels.length - 1,
      cumulative.findIndex((c) => rng.next() < c),
    )
  ];
// Eval labels follow a flattened version of the training distribution so tail classes still have examples.
const evalLabel = (): string => (rng.next() < 0.5 ? drawLabel() : rng.pick(labels));

const perturbations = Array.from({ length: nPerturbations }, (_, i) => `family.kind${i}`);
const records: ExampleRecord[] = Array.from({ length: nExamples }, (_, i) => {
  const label = evalLabel();
  const rank = labels.indexOf(label);
  const correct = (p: number) => rng.next() < p;
  const prediction = correct(0.92 - rank * 0.002) ? label : rng.pick(labels);
  const variants: VariantRecord[] = [];
  for (const perturbation of perturbations) {
    for (const severity of severities) {
      const ok = correct(0.9 - 0.03 * severity - rank * 0.003);
      variants.push({
        perturbation,
        severity,
        variant: 0,
        text: `variant ${i}`,
        changed: rng.next() < 0.9,
        prediction: ok ? label : rng.pick(labels),
        confidence: 0.6,
        goldProb: ok ? 0.7 : 0.1,
      });
    }
  }
  return { id: `ex${i}`, text: `text ${i}`, label, prediction, confidence: 0.7, goldProb: 0.8, variants };
});

const { classes, buckets } = assignBuckets(counts, labels, 'auto');
const times: number[] = [];
const cpuTimes: number[] = [];
let nResults = 0;
for (let run = 0; run < runs; run++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = computeResults(records, classes, buckets, { seed: 1, resamples, confidence: 0.95 });
  const cpu = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  // CPU time is the steadier figure on a shared machine (wall time includes waiting for a core).
  cpuTimes.push((cpu.user + cpu.system) / 1000);
  nResults = out.results.length + out.summary.length;
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `computeResults: ${nExamples} examples, ${labels.length} classes, ${nResults} results ` +
    `(${perturbations.length} perturbations × ${severities.length} severities + ${severities.length} pooled), ` +
    `${resamples} resamples`,
);
console.log(
  `  wall ms: ${times.map((t) => t.toFixed(0)).join(', ')} (median ${median(times).toFixed(0)}); ` +
    `CPU ms: ${cpuTimes.map((t) => t.toFixed(0)).join(', ')} (median ${median(cpuTimes).toFixed(0)}); ` +
    `buckets ${buckets.map((b) => `${b.name}:${b.labels.length}`).join(' ')}; ` +
    `peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
);

// Calibration: the bare resampling loop (75 M indexed draws, the count computeResults makes here), so a
// figure from a busy shared machine can be read against what the machine delivered at that moment.
{
  const m = 75;
  const u = Float64Array.from({ length: resamples * m }, () => rng.next());
  const packed = Float64Array.from({ length: m }, (_, i) => i % 3);
  const c0 = process.cpuUsage();
  let total = 0;
  for (let rep = 0; rep < 1000; rep++) {
    for (let b = 0; b < resamples; b++) {
      const base = b * m;
      let sum = 0;
      for (let i = 0; i < m; i++) sum += packed[(u[base + i] * m) | 0];
      total += sum;
    }
  }
  const cpu = process.cpuUsage(c0);
  console.log(
    `  calibration: bare loop of ${(75 * resamples * 1000) / 1e6} M draws: ` +
      `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (checksum ${total})`,
  );
}
