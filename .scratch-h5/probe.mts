import { loadClassifier } from '../src/classify/load.ts';
const texts = process.argv.slice(2);
const c = await loadClassifier(undefined, {});
const preds = await c.classify(texts);
for (const [i, p] of preds.entries()) {
  const top = p.scores.map((s, j) => [s, c.labels[j]] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
  console.log(texts[i], '=>', top.map(([s, l]) => `${l} ${s.toFixed(2)}`).join(', '));
}
await c.close?.();
