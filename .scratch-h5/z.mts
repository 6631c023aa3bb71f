import { z } from 'zod';
const A = z.strictObject({ type: z.literal(['audit', 'robustness']), maxDrop: z.number().min(0).max(1).optional() });
const B = z.strictObject({ type: z.literal('expect'), label: z.string() });
const U = z.discriminatedUnion('type', [A, B]);
const S = z.strictObject({ name: z.string(), tests: z.array(U).min(1) , sev: z.literal([1,2,3]).optional()});
for (const v of [{ name: 1, tests: [{ type: 'x' }] }, { name: 'a', tests: [{ type: 'audit', maxDrop: 'a', foo: 1 }, {}], sev: 4 }, {name:'a', tests:[{type:'expect'}]}]) {
  const r = S.safeParse(v);
  console.log(JSON.stringify(r.error?.issues, null, 1));
}
