import { ApiError, FinishReason, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import type { ModelConfig } from '../../config';
import { ModelError, type Content, type FunctionCall, type LanguageModel, type ModelTurn, type Part } from './language-model';
import { retryingFetch, type RetryNotice } from './retrying-fetch';

// Backoff between attempts: 1 s, 2 s, 4 s… (jittered), and never a wait beyond 20 s — a
// diagnosis at 3 a.m. does not sit out a long quota window; it falls back instead.
const baseDelayMs = 1_000;
const maxDelayMs = 20_000;
// Finish reasons that mean Google's filters withheld the output (text models; the image ones never come here).
const contentFilterReasons: ReadonlySet<string> = new Set([FinishReason.SAFETY, FinishReason.RECITATION, FinishReason.BLOCKLIST, FinishReason.PROHIBITED_CONTENT, FinishReason.SPII]);

/** Gemini through @google/genai, streaming each turn (streamGenerateContent, SSE). */
export function createGeminiModel(config: ModelConfig, onRetry?: (notice: RetryNotice) => void): LanguageModel {
  const ai = new GoogleGenAI({
    apiKey: config.apiKey,
    httpOptions: {
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      // Retries and the per-attempt deadline live in the fetch, which sees Retry-After.
      fetch: retryingFetch({ maxAttempts: config.maxAttempts, baseDelayMs, maxDelayMs, attemptTimeoutMs: config.timeoutMs }, onRetry),
    },
  });

  return {
    name: config.name,
    async generate(request, signal) {
      try {
        const stream = await ai.models.generateContentStream({
          model: config.name,
          contents: request.contents,
          config: {
            abortSignal: signal,
            systemInstruction: request.systemInstruction,
            // Diagnoses should not vary from run to run more than the model makes them.
            temperature: 0,
            ...(request.functions?.length ? { tools: [{ functionDeclarations: request.functions }] } : {}),
            ...(request.responseJsonSchema ? { responseMimeType: 'application/json', responseJsonSchema: request.responseJsonSchema } : {}),
          },
        });
        const chunks: GenerateContentResponse[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        return turnOf(chunks);
      } catch (error) {
        throw modelErrorOf(error, signal, config);
      }
    },
  };
}

/** Joins a streamed answer: consecutive text parts merge, function calls stay whole, usage comes last. */
function turnOf(chunks: readonly GenerateContentResponse[]): ModelTurn {
  const parts: Part[] = [];
  let finishReason: string | null = null;
  let usage = { input: 0, output: 0, total: 0 };
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      const previous = parts.at(-1);
      // A part carrying a thought signature must go back to the model as it came.
      const continuesText =
        previous?.text !== undefined && part.text !== undefined && !part.thoughtSignature && Boolean(previous.thought) === Boolean(part.thought);
      if (continuesText) parts[parts.length - 1] = { ...previous, text: `${previous.text}${part.text}` };
      else parts.push(part);
    }
    finishReason = candidate?.finishReason ?? finishReason;
    const metadata = chunk.usageMetadata;
    if (metadata) {
      const input = metadata.promptTokenCount ?? 0;
      const output = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0);
      usage = { input, output, total: metadata.totalTokenCount ?? input + output };
    }
  }
  const functionCalls: FunctionCall[] = parts.flatMap((part) => (part.functionCall ? [part.functionCall] : []));
  const text = parts
    .filter((part) => part.text !== undefined && !part.thought)
    .map((part) => part.text)
    .join('');
  const content: Content = { role: 'model', parts };
  return { content, functionCalls, text, finishReason, contentFiltered: finishReason !== null && contentFilterReasons.has(finishReason), usage };
}

function modelErrorOf(error: unknown, signal: AbortSignal, { name: model, timeoutMs }: ModelConfig): ModelError {
  if (signal.aborted) return new ModelError('aborted', `the call to ${model} was stopped: ${String(signal.reason)}`, { cause: error });
  if (error instanceof ApiError) {
    const failure = error.status === 429 ? 'rate_limited' : error.status >= 500 ? 'unavailable' : 'refused';
    return new ModelError(failure, `${model} answered ${error.status}: ${firstLine(error.message)}`, { cause: error });
  }
  // The attempt deadline of retryingFetch, whether it ran out before the answer began or while it streamed.
  if (error instanceof DOMException && error.name === 'TimeoutError') return new ModelError('timeout', `${model} did not answer within ${timeoutMs / 1000} s`, { cause: error });
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new ModelError('unavailable', `${model} could not be reached: ${firstLine(reason)}`, { cause: error });
}

const firstLine = (text: string) => text.split('\n', 1)[0]!.slice(0, 300);
