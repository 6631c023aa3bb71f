/**
 * `--mitigation-out FILE.json`: per class, the measured drop and break rate with their CIs, and class
 * weights and logit-adjustment offsets for retraining (measure/mitigation.ts; README, "Remedies").
 */
import { mitigationPlan } from '../../measure/mitigation.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'mitigation-out',
  describe: () =>
    'Write per-class remedies to a JSON file: training count, bucket, measured drop and break rate (CIs), class weights (inverse frequency; effective number, β 0.9–0.9999) and logit-adjusted-loss offsets τ·log π',
  nargs: 1,
  render: (report) => `${JSON.stringify(mitigationPlan(report), null, 2)}\n`,
});
