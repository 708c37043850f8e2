// A read-only tool the agent may call. Each tool is one file: its zod schema is both the
// validation of the model's arguments and, converted to JSON Schema, the function declaration
// the model sees. Tools only read: none of them changes anything anywhere.
import { z } from 'zod';

/** What a tool returned, as the model and the transcript see it. */
export interface ToolResult {
  /** JSON-serialisable and already bounded by the tool; the agent loop caps its size again. */
  content: unknown;
  /** One line for progress events and the transcript: "3 series, 61 points each". */
  summary: string;
  /** True when the tool left something out (series, points, rows); `summary` says what. */
  truncated: boolean;
}

/** What every tool call gets besides its arguments. */
export interface ToolContext {
  /**
   * Aborts when the agent's tool phase ends: its share of the run's time (the rest is kept for the
   * answer), or sooner the task attempt's deadline. The tool stops then; it must not return what it
   * had so far as a complete result.
   */
  signal: AbortSignal;
  /** The task's clock: a tool that needs "now" (a default time range) takes it from here. */
  now: Date;
}

/** A tool the model can call by name with arguments matching `input`. */
export interface AgentTool<Input extends z.ZodType = z.ZodType> {
  /** snake_case, unique in the registry; what the model calls. */
  readonly name: string;
  /** For the model: what the tool answers and when to use it, in a sentence or two. */
  readonly description: string;
  readonly input: Input;
  /** Runs the call; throws ToolError (or UpstreamError from a client) when it cannot answer. */
  run(input: z.infer<Input>, context: ToolContext): Promise<ToolResult>;
}

/** A call the tool refuses or cannot complete; the message goes back to the model verbatim. */
export class ToolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolError';
  }
}

/** Declares a tool with its input type inferred from the schema. */
export const defineTool = <Input extends z.ZodType>(tool: AgentTool<Input>): AgentTool<Input> => tool;

/** The function declaration Gemini receives for a tool: its name, description and argument schema. */
export function functionDeclarationOf(tool: AgentTool): { name: string; description: string; parametersJsonSchema: unknown } {
  return { name: tool.name, description: tool.description, parametersJsonSchema: jsonSchemaOf(tool.input) };
}

/** A zod schema as the JSON Schema Gemini takes: the input side, without the `$schema` dialect key it does not document. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return jsonSchema;
}
