// The agent's view of a language model: one turn of a conversation in, one turn out, with the
// tokens it cost. Gemini's content types are the conversation's shape; nothing else of the SDK
// leaks past the model module.
import type { Content, FunctionCall, Part } from '@google/genai';

export type { Content, FunctionCall, Part };

export interface ModelRequest {
  systemInstruction: string;
  contents: Content[];
  /** Function declarations the model may call; none for the final, structured answer. */
  functions?: Array<{ name: string; description: string; parametersJsonSchema: unknown }>;
  /** When given, the model must answer with JSON matching this schema. */
  responseJsonSchema?: unknown;
}

export interface TokenUsage {
  input: number;
  /** Output tokens, thinking included (both are billed as output). */
  output: number;
  total: number;
}

export interface ModelTurn {
  /** The model's content as received, to send back in the conversation (thought signatures included). */
  content: Content;
  functionCalls: FunctionCall[];
  /** The text parts joined, thoughts left out. */
  text: string;
  finishReason: string | null;
  /** True when the provider's content filter stopped the turn (safety, recitation, blocked terms): what it holds is no answer. */
  contentFiltered: boolean;
  usage: TokenUsage;
}

export interface LanguageModel {
  readonly name: string;
  /** One model turn. Throws ModelError; the signal aborts it. */
  generate(request: ModelRequest, signal: AbortSignal): Promise<ModelTurn>;
}

/** Why a model call failed: `rate_limited`, `unavailable` and `timeout` outlasted the retries, `refused` will not change by retrying. */
export type ModelFailure = 'rate_limited' | 'unavailable' | 'timeout' | 'refused' | 'aborted';

export class ModelError extends Error {
  constructor(
    readonly failure: ModelFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ModelError';
  }
}
