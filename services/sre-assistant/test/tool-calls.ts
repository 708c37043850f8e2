import { expect } from 'vitest';
import { ToolError, type AgentTool, type ToolResult } from '../src/agent/tools/tool';

/** A tool call as the agent loop makes it: the model's arguments through the tool's schema, then run. */
export type ToolCall = (tool: AgentTool, modelArguments: unknown) => Promise<ToolResult>;

/** Calls tools on a task whose clock reads `now`, with a deadline a test never waits out. */
export function toolCallerAt(now: Date): ToolCall {
  return (tool, modelArguments) => tool.run(tool.input.parse(modelArguments), { signal: AbortSignal.timeout(5_000), now });
}

/** What `promise` was rejected with; undefined when it was fulfilled. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

/** The ToolError `promise` was rejected with: the refusal the model reads. Fails the test on anything else. */
export async function refusalOf(promise: Promise<unknown>): Promise<ToolError> {
  const error = await failureOf(promise);
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}
