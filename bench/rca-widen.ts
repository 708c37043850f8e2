// `npm run bench:rca:widen -- --dataset DIR --out DIR [--copies N]`
// Writes a wider copy of a Nezha-format dataset (each service plus N healthy, time-shifted copies)
// for `bench:rca`: how the ranking holds up when more services compete with the cause.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { widenNezha } from './rca/widen-nezha';

const usage = 'usage: npm run bench:rca:widen -- --dataset DIR --out DIR [--copies N]';

const argumentsSchema = z.object({
  dataset: z.string({ message: 'required' }).min(1),
  out: z.string({ message: 'required' }).min(1),
  copies: z.coerce.number().int().positive().default(3),
});

const { values } = parseArgs({ options: { dataset: { type: 'string' }, out: { type: 'string' }, copies: { type: 'string' } } });
const parsed = argumentsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n')}\n${usage}`);
  process.exit(2);
}
const { dataset, out, copies } = parsed.data;
try {
  for (const day of await widenNezha(path.resolve(dataset), path.resolve(out), copies)) {
    console.log(`${day.date}: ${day.services} services + ${day.copiedServices} copies`);
  }
} catch (error) {
  console.error(`[bench:rca:widen] ${(error as Error).message}`);
  process.exit(1);
}
