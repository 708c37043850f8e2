// OpenTelemetry spans for the agent, named and attributed after the GenAI semantic conventions
// (invoke_agent, chat, execute_tool; gen_ai.*). Only the API is used: spans are recorded when the
// process registers an SDK, and cost nothing otherwise.
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('sre-assistant.agent');

/** Runs `work` inside a span; a throw marks the span as an error and is rethrown. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
