import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordFailedCall, recordToolResult } from './tool-call-record';

const call = { id: 'T3', tool: 'query_metrics_instant', arguments: { query: 'up' }, startedAt: Date.parse('2026-03-01T03:05:00Z') };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('tool call records', () => {
  it('keeps a result that fits whole, with the digest and size of the response the model gets', () => {
    const { record, response } = recordToolResult(call, { content: { series: 1 }, summary: '1 series', truncated: false }, 1_000);
    expect(response).toMatchObject({ toolCallId: 'T3', status: 'ok', summary: '1 series', truncated: false, data: { series: 1 } });
    expect(record).toMatchObject({ id: 'T3', tool: 'query_metrics_instant', arguments: { query: 'up' }, status: 'ok', summary: '1 series', truncated: false, startedAt: '2026-03-01T03:05:00.000Z' });
    expect(record.digest).toBe(sha256(JSON.stringify(response)));
    expect(record.outputBytes).toBe(Buffer.byteLength(JSON.stringify(response)));
  });

  it('cuts a result at the byte limit, says so in the summary and flags it as truncated', () => {
    const content = { values: Array.from({ length: 100 }, (_, index) => index) };
    const { record, response } = recordToolResult(call, { content, summary: '100 values', truncated: false }, 50);
    const size = Buffer.byteLength(JSON.stringify(content));
    expect(record).toMatchObject({ truncated: true, summary: `100 values (output cut at 50 of ${size} bytes)` });
    expect(response.data).toBe(`${JSON.stringify(content).slice(0, 50)}… [cut: ${size - 50} more bytes]`);
    expect(record.digest).toBe(sha256(JSON.stringify(response)));
  });

  it('keeps the truncation a tool reported itself', () => {
    expect(recordToolResult(call, { content: [], summary: '20 of 31 series', truncated: true }, 1_000).record.truncated).toBe(true);
  });

  it('records a call without a result with its status and reason, and no data', () => {
    const { record, response } = recordFailedCall(call, 'refused', 'there is no tool named "drop_table"');
    expect(record).toMatchObject({ status: 'refused', summary: 'there is no tool named "drop_table"', truncated: false });
    expect(response).toMatchObject({ toolCallId: 'T3', status: 'refused', data: null });
  });
});
