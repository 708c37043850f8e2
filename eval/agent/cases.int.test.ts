import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiModel } from '../../services/sre-assistant/src/agent/model/gemini-model';
import { startGeminiDouble, type GeminiDouble } from '../../services/sre-assistant/src/agent/testing/gemini-double';
import { readCases, type AgentCase } from './case';
import { replayCase } from './replay';
import { scoreCase } from './scoring';

// The recorded cases stay runnable: their scripted calls pass the production tools' schemas,
// find a recording, and the scripted answers pass the scorer. A case that drifts fails here.
describe('the recorded eval:agent cases, replayed through the Gemini double', () => {
  let cases: AgentCase[];
  let gemini: GeminiDouble;
  beforeAll(async () => {
    cases = await readCases(path.join(import.meta.dirname, 'cases'));
    gemini = await startGeminiDouble();
  });
  afterAll(() => gemini?.stop());

  it('has cases, each replaying with every tool call answered and passing its own expectations', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    const model = createGeminiModel({ name: 'gemini-2.5-flash', apiKey: 'test-gemini-key', baseUrl: gemini.url, timeoutMs: 5_000, maxAttempts: 1, prices: { input: undefined, output: undefined } });
    const limits = { maxSteps: 8, timeoutMs: 20_000, tokenBudget: 200_000, toolOutputBytes: 16_000 };
    for (const agentCase of cases) {
      const outcome = await replayCase(agentCase, { model, limits, prices: undefined, double: gemini });
      expect(outcome.transcript.filter((call) => call.status !== 'ok'), agentCase.id).toEqual([]);
      expect(scoreCase(agentCase.expected, outcome.narrative, outcome.transcript), agentCase.id).toMatchObject({ passed: true, groundingRate: 1 });
    }
  });
});
