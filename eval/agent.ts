// npm run eval:agent — the agent on recorded cases, scored automatically. With GEMINI_API_KEY it
// asks the real Gemini (GEMINI_MODEL, default gemini-2.5-flash); without, the Gemini double
// replays each case's script, which checks the harness and the grounding, not a model.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pricesFor } from '../services/sre-assistant/src/agent/model/cost';
import { createGeminiModel } from '../services/sre-assistant/src/agent/model/gemini-model';
import { startGeminiDouble, type GeminiDouble } from '../services/sre-assistant/src/agent/testing/gemini-double';
import { readCases } from './agent/case';
import { replayCase } from './agent/replay';
import { scoreCase, type CaseScore } from './agent/scoring';

const { values: options } = parseArgs({
  options: { cases: { type: 'string', default: path.join(import.meta.dirname, 'agent', 'cases') }, out: { type: 'string' } },
});
const apiKey = process.env.GEMINI_API_KEY;
const modelName = process.env.GEMINI_MODEL || 'gemini-2.5-flash';
const limits = { maxSteps: 8, timeoutMs: 120_000, tokenBudget: 200_000, toolOutputBytes: 16_000 };

interface CaseResult extends CaseScore {
  id: string;
  modelCalls: number;
  toolCalls: number;
  /** Citations of ids that are no successful call of the run, dropped by the grounding check. */
  rejectedCitations: number;
  tokens: { input: number; output: number };
  costUsd: number | null;
  latencyMs: number;
  stoppedBy: string;
}

const cases = await readCases(options.cases);
const double: GeminiDouble | undefined = apiKey ? undefined : await startGeminiDouble();
const model = createGeminiModel({
  name: modelName,
  apiKey: apiKey ?? 'test-gemini-key',
  baseUrl: double?.url ?? process.env.GEMINI_BASE_URL,
  timeoutMs: 60_000,
  maxAttempts: 4,
  prices: { input: undefined, output: undefined },
});
const prices = pricesFor(modelName, { input: undefined, output: undefined });

const results: CaseResult[] = [];
try {
  for (const agentCase of cases) {
    const outcome = await replayCase(agentCase, { model, limits, prices, double });
    const { figures } = outcome;
    results.push({
      id: agentCase.id,
      ...scoreCase(agentCase.expected, outcome.narrative, outcome.transcript),
      modelCalls: figures.modelCalls,
      toolCalls: figures.toolCalls,
      rejectedCitations: figures.groundingRejections,
      tokens: { input: figures.tokens.input, output: figures.tokens.output },
      costUsd: figures.costUsd,
      latencyMs: figures.latencyMs,
      stoppedBy: figures.stoppedBy,
    });
  }
} finally {
  await double?.stop();
}

const mode = apiKey ? `Gemini ${modelName}` : 'the Gemini double (scripted replies, estimated tokens): checks the harness, not a model';
console.log(`eval:agent — ${cases.length} cases against ${mode}\n`);
console.log('case                              pass  grounded  rejected  calls  tools   tokens in/out    cost USD  failures');
for (const result of results) {
  const grounded = result.groundingRate === null ? '    -' : `${(result.groundingRate * 100).toFixed(0).padStart(4)}%`;
  const cost = result.costUsd === null ? 'unknown' : result.costUsd.toFixed(5);
  console.log(
    `${result.id.padEnd(33)} ${result.passed ? ' yes' : '  no'}     ${grounded}  ${String(result.rejectedCitations).padStart(8)}  ${String(result.modelCalls).padStart(5)}  ${String(result.toolCalls).padStart(5)}  ${`${result.tokens.input}/${result.tokens.output}`.padStart(15)}  ${cost.padStart(10)}  ${result.failures.join('; ')}`,
  );
}
const passRate = results.filter((result) => result.passed).length / results.length;
const rates = results.flatMap((result) => (result.groundingRate === null ? [] : [result.groundingRate]));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const costs = results.flatMap((result) => (result.costUsd === null ? [] : [result.costUsd]));
const summary = {
  mode: apiKey ? 'gemini' : 'double',
  model: modelName,
  cases: results.length,
  passRate,
  groundingRate: mean(rates),
  tokensPerCase: { input: mean(results.map((result) => result.tokens.input)), output: mean(results.map((result) => result.tokens.output)) },
  costPerCaseUsd: costs.length === results.length ? mean(costs) : null,
};
console.log(
  `\npass rate ${(passRate * 100).toFixed(1)} %, grounding rate ${(summary.groundingRate * 100).toFixed(1)} %, tokens per case ${summary.tokensPerCase.input.toFixed(0)} in / ${summary.tokensPerCase.output.toFixed(0)} out, cost per case ${summary.costPerCaseUsd === null ? 'unknown' : `$${summary.costPerCaseUsd.toFixed(5)}`}`,
);
if (options.out) {
  await writeFile(options.out, `${JSON.stringify({ ...summary, results }, null, 2)}\n`);
  console.log(`[eval:agent] wrote ${options.out}`);
}

