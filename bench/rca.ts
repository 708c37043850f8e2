// `npm run bench:rca -- --dataset DIR --format nezha|petshop [--time-mode alert|inject] [--out FILE.json]`
// Root-cause accuracy of the assistant against chance, NSigma and BARO on a fault-injection
// dataset, through the product's real path. Prints a table; writes the full result as JSON.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runBenchmark } from './rca/benchmark';
import { formatReport } from './rca/report';

const usage =
  'usage: npm run bench:rca -- --dataset DIR --format nezha|petshop [--time-mode alert|inject] [--out FILE.json] [--vm-url URL] [--limit N] [--normal-per-group N] [--minutes-after N]';

const argumentsSchema = z.object({
  dataset: z.string({ message: 'required' }).min(1),
  format: z.enum(['nezha', 'petshop'], { message: 'nezha or petshop' }),
  'time-mode': z.enum(['alert', 'inject'], { message: 'alert or inject' }).default('alert'),
  out: z.string().optional(),
  'vm-url': z.url({ message: 'a URL' }).optional(),
  limit: z.coerce.number().int().positive().optional(),
  'normal-per-group': z.coerce.number().int().nonnegative().optional(),
  // 1: a diagnosis run as the alert arrives; 5: one run (or run again) a few minutes later. Up to the assistant's ten-minute anomaly window.
  'minutes-after': z.coerce.number().int().min(1, { message: '1 to 10' }).max(10, { message: '1 to 10' }).optional(),
});

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    format: { type: 'string' },
    'time-mode': { type: 'string' },
    out: { type: 'string' },
    'vm-url': { type: 'string' },
    limit: { type: 'string' },
    'normal-per-group': { type: 'string' },
    'minutes-after': { type: 'string' },
  },
});
const parsed = argumentsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n')}\n${usage}`);
  process.exit(2);
}
const options = parsed.data;
const evaluation = await runBenchmark({
  dataset: path.resolve(options.dataset),
  format: options.format,
  timeMode: options['time-mode'],
  victoriaMetricsUrl: options['vm-url'],
  limit: options.limit,
  normalPerGroup: options['normal-per-group'],
  minutesAfterAlert: options['minutes-after'],
  progress: (message) => console.error(`[bench:rca] ${message}`),
});
console.log(formatReport(evaluation));
if (options.out) {
  await writeFile(options.out, `${JSON.stringify(evaluation, null, 2)}\n`);
  console.error(`[bench:rca] wrote ${options.out}`);
}
