import { isDeepStrictEqual } from 'node:util';
import type { AgentNarrative, AgentRunFigures, ToolCallRecord } from '@sre/db';
import { UpstreamError } from '@sre/service-kit';
import { answerJsonSchema, answerSchema, groundAnswer } from './grounding';
import { finalAnswerRequest, questionTurn, systemInstruction } from './instructions';
import { costOf, type TokenPrices } from './model/cost';
import { ModelError, type Content, type FunctionCall, type LanguageModel, type ModelTurn, type Part } from './model/language-model';
import { timeoutSignal } from './timeout-signal';
import { recordFailedCall, recordToolResult, type CallOf, type RecordedCall } from './tool-call-record';
import { functionDeclarationOf, ToolError, type AgentTool, type ToolResult } from './tools/tool';
import { inSpan } from './tracing';

export interface AgentLimits {
  /** Model turns that may call tools; the final answer is one more. */
  maxSteps: number;
  /** Wall clock for the whole run, the final answer included. */
  timeoutMs: number;
  /** Tokens (input + output, all turns); past 80 % the tools stop and the answer is asked for. */
  tokenBudget: number;
  /** Largest tool output the model sees, in bytes of JSON; the rest is cut and the cut said. */
  toolOutputBytes: number;
}

/** What happens during a run, as it happens (for live progress). */
export type AgentEvent = { type: 'tool_call'; record: ToolCallRecord } | { type: 'thinking'; step: number } | { type: 'answering' };

export interface AgentDependencies {
  model: LanguageModel;
  tools: readonly AgentTool[];
  limits: AgentLimits;
  /** Undefined when the model's price is unknown: the cost is then reported as null. */
  prices: TokenPrices | undefined;
  onEvent?: (event: AgentEvent) => void;
  clock?: () => Date;
}

export interface AgentRequest {
  question: string;
  /** Facts the question comes with (the alert's labels, its time), one per line; shown to the model as untrusted data. */
  context: readonly string[];
  /** Results the caller already has (an alert task's ranking), recorded as the first calls (T1…) so that nothing is run twice: the model asking for one again is refused. */
  given?: readonly GivenResult[];
  /** When the run must be over (the task's deadline, less the time to store the result); the earlier of this and `limits.timeoutMs` applies. */
  deadline?: Date;
}

/** A tool result obtained before the run, as if the model had asked for it. */
export interface GivenResult {
  tool: string;
  arguments: Record<string, unknown>;
  result: ToolResult;
}

export interface AgentOutcome {
  /** Null when no grounded answer could be had; `figures.narrative.reason` says why. */
  narrative: AgentNarrative | null;
  /** The given results (T1…), then the model's calls: citations may point at either. */
  transcript: ToolCallRecord[];
  /** How many records at the head of the transcript were given rather than called: the figures and metrics count only the model's calls. */
  givenRecords: number;
  figures: AgentRunFigures;
}

// The tools get at most this share of the time; the rest is for the final answer.
const toolPhaseShare = 0.7;
const tokenBudgetShareForTools = 0.8;
// A model asking for more calls than this in one turn gets the rest refused.
const maxCallsPerTurn = 8;

/**
 * Runs the agent: model turns with tools until the model stops calling them (or a limit is
 * reached), then one structured answer whose citations are checked against the transcript.
 * Never throws for the model's or a tool's failures: the outcome says what happened. Throws only
 * when `signal` (the task's own deadline) aborts.
 */
export function runAgent(dependencies: AgentDependencies, request: AgentRequest, signal: AbortSignal): Promise<AgentOutcome> {
  return inSpan('invoke_agent sre-assistant', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'sre-assistant', 'gen_ai.request.model': dependencies.model.name }, async (span) => {
    const outcome = await investigate(dependencies, request, signal);
    const { figures } = outcome;
    span.setAttributes({
      'gen_ai.usage.input_tokens': figures.tokens.input,
      'gen_ai.usage.output_tokens': figures.tokens.output,
      'sre.agent.stopped_by': figures.stoppedBy,
      'sre.agent.tool_calls': figures.toolCalls,
      'sre.agent.grounding_rejections': figures.groundingRejections,
      'sre.agent.narrative': figures.narrative.status,
    });
    return outcome;
  });
}

async function investigate(dependencies: AgentDependencies, request: AgentRequest, signal: AbortSignal): Promise<AgentOutcome> {
  const { model, tools, limits, prices, onEvent = () => {}, clock = () => new Date() } = dependencies;
  const startedAt = Date.now();
  const timeoutMs = Math.max(0, Math.min(limits.timeoutMs, (request.deadline?.getTime() ?? Infinity) - startedAt));
  const runSignal = AbortSignal.any([signal, timeoutSignal(timeoutMs)]);
  // Model turns and tools stop at this point, in the middle of a call if need be, so that the answer has its share of the time.
  const toolPhase = AbortSignal.any([runSignal, timeoutSignal(Math.floor(timeoutMs * toolPhaseShare))]);
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const functions = tools.map(functionDeclarationOf);

  const given = (request.given ?? []).map((result, index) => ({
    ...recordToolResult({ id: `T${index + 1}`, tool: result.tool, arguments: result.arguments, startedAt }, result.result, limits.toolOutputBytes),
    // As the tool would take them, so that the model asking again is recognised however it spells the same arguments.
    input: byName.get(result.tool)?.input.safeParse(result.arguments).data,
  }));
  const transcript: ToolCallRecord[] = given.map(({ record }) => record);
  for (const record of transcript) onEvent({ type: 'tool_call', record });
  const tokens = { input: 0, output: 0, total: 0 };
  let modelCalls = 0;
  let stoppedBy: AgentRunFigures['stoppedBy'] = 'step_limit';
  const contents: Content[] = [{ role: 'user', parts: [{ text: questionTurn(request.question, request.context, given) }] }];

  const generate = (turnRequest: Parameters<LanguageModel['generate']>[0]): Promise<ModelTurn> =>
    inSpan(`chat ${model.name}`, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.request.model': model.name }, async (span) => {
      modelCalls += 1;
      // A turn that may call tools ends with the tools' share of the time; the answer (no functions) has the whole.
      const turn = await model.generate(turnRequest, turnRequest.functions ? toolPhase : runSignal);
      tokens.input += turn.usage.input;
      tokens.output += turn.usage.output;
      tokens.total += turn.usage.total;
      span.setAttributes({
        'gen_ai.usage.input_tokens': turn.usage.input,
        'gen_ai.usage.output_tokens': turn.usage.output,
        ...(turn.finishReason ? { 'gen_ai.response.finish_reasons': [turn.finishReason] } : {}),
      });
      return turn;
    });

  const finish = (narrative: AgentNarrative | null, reason: string | null, rejections = 0): AgentOutcome => ({
    narrative,
    transcript,
    givenRecords: given.length,
    figures: {
      narrative: narrative ? { status: 'answered', reason: null } : { status: 'unavailable', reason },
      model: model.name,
      stoppedBy,
      modelCalls,
      toolCalls: transcript.length - given.length,
      groundingRejections: rejections,
      tokens: { ...tokens },
      costUsd: prices ? roundCost(costOf(tokens, prices)) : null,
      latencyMs: Date.now() - startedAt,
    },
  });
  const ranOutOfTime = (): AgentOutcome => {
    stoppedBy = 'time_limit';
    return finish(null, `the agent ran out of time (${Math.round(timeoutMs / 1000)} s)`);
  };

  try {
    for (let step = 1; step <= limits.maxSteps; step++) {
      if (toolPhase.aborted) {
        stoppedBy = 'time_limit';
        break;
      }
      if (tokens.total >= limits.tokenBudget * tokenBudgetShareForTools) {
        stoppedBy = 'token_budget';
        break;
      }
      onEvent({ type: 'thinking', step });
      let turn: ModelTurn;
      try {
        turn = await generate({ systemInstruction, contents, functions });
      } catch (error) {
        // The tools' share of the time ran out during the turn: the answer still has its own.
        if (error instanceof ModelError && toolPhase.aborted && !runSignal.aborted) {
          stoppedBy = 'time_limit';
          break;
        }
        throw error;
      }
      // A turn with no parts (a safety stop, MAX_TOKENS while thinking) may not be sent back: Gemini refuses empty content.
      if (turn.content.parts?.length) contents.push(turn.content);
      if (turn.functionCalls.length === 0) {
        stoppedBy = turn.contentFiltered ? 'content_filter' : 'answer';
        break;
      }
      const responses: Part[] = [];
      for (const [index, call] of turn.functionCalls.entries()) {
        const { record, response } = await inSpan(`execute_tool ${call.name ?? '(unnamed)'}`, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': call.name ?? '(unnamed)' }, async (span) => {
          const recorded = await callTool(call, index < maxCallsPerTurn);
          span.setAttributes({ 'gen_ai.tool.call.id': recorded.record.id, 'sre.tool.status': recorded.record.status, 'sre.tool.output_bytes': recorded.record.outputBytes });
          return recorded;
        });
        transcript.push(record);
        onEvent({ type: 'tool_call', record });
        responses.push({ functionResponse: { ...(call.id ? { id: call.id } : {}), name: call.name ?? '', response } });
      }
      contents.push({ role: 'user', parts: responses });
    }

    // No time is left for the answer (the deadline had passed before the run began, or a tool ignored the end of its phase): a request would only go out to be aborted.
    if (runSignal.aborted) {
      signal.throwIfAborted();
      return ranOutOfTime();
    }
    onEvent({ type: 'answering' });
    contents.push({ role: 'user', parts: [{ text: finalAnswerRequest }] });
    const answerTurn = await generate({ systemInstruction, contents, responseJsonSchema: answerJsonSchema });
    if (answerTurn.contentFiltered) return finish(null, `the model's content filter withheld its answer (${answerTurn.finishReason})`);
    const parsed = answerSchema.safeParse(parseJson(answerTurn.text));
    if (!parsed.success) return finish(null, 'the model did not answer in the required JSON form');
    const { narrative, rejections } = groundAnswer(parsed.data, transcript);
    return finish(narrative, null, rejections);
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof ModelError) {
      if (runSignal.aborted) return ranOutOfTime();
      stoppedBy = 'model_failure';
      return finish(null, error.message);
    }
    throw error;
  }

  async function callTool(call: FunctionCall, allowed: boolean): Promise<RecordedCall> {
    const callOf: CallOf = { id: `T${transcript.length + 1}`, tool: call.name ?? '(unnamed)', arguments: call.args ?? {}, startedAt: Date.now() };
    const refused = (summary: string) => recordFailedCall(callOf, 'refused', summary);
    // Checked for each call: a turn asking for several must not start any after the tools' time is up.
    if (toolPhase.aborted) return refused('the time for tools ran out before this call was started');
    if (!allowed) return refused(`more than ${maxCallsPerTurn} calls in one turn; ask again for what matters most`);
    const tool = call.name ? byName.get(call.name) : undefined;
    if (!tool) return refused(`there is no tool named ${JSON.stringify(call.name)}; the tools are ${[...byName.keys()].join(', ')}`);
    const input = tool.input.safeParse(call.args ?? {});
    if (!input.success) return refused(`invalid arguments for ${tool.name}: ${input.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ')}`);
    const repeated = given.find((result) => result.record.tool === tool.name && isDeepStrictEqual(result.input, input.data));
    if (repeated) return refused(`this call was made before the question was asked: its result is ${repeated.record.id}; cite ${repeated.record.id} instead`);
    let result: ToolResult;
    try {
      result = await tool.run(input.data, { signal: toolPhase, now: clock() });
    } catch (error) {
      if (signal.aborted) throw error;
      if (toolPhase.aborted) return recordFailedCall(callOf, 'error', 'the time for tools ran out before this call finished');
      if (error instanceof ToolError || error instanceof UpstreamError) return recordFailedCall(callOf, 'error', error.message);
      throw error;
    }
    return recordToolResult(callOf, result, limits.toolOutputBytes);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const roundCost = (dollars: number) => Math.round(dollars * 1e6) / 1e6;
