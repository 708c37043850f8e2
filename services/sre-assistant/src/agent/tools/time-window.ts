import { z } from 'zod';
import type { TimeWindow } from '@sre/victoriametrics';
import { ToolError } from './tool';

const hourMs = 3_600_000;

/** A time as the model writes it: ISO 8601 with seconds and an offset (`Z` or `+02:00`), never a local time. */
export const isoTimeSchema = z.iso.datetime({ offset: true });

/** A time as the tools write it: ISO 8601 in UTC, milliseconds only when there are some. */
export function formatTime(time: Date): string {
  return time.toISOString().replace('.000Z', 'Z');
}

/** `[start, end]` when end is after start and the window is at most `maxHours` long; otherwise a ToolError saying what to change. */
export function boundedWindow(start: Date, end: Date, maxHours: number): TimeWindow {
  if (end.getTime() <= start.getTime()) {
    throw new ToolError(`end (${formatTime(end)}) must be after start (${formatTime(start)})`);
  }
  const hours = (end.getTime() - start.getTime()) / hourMs;
  if (hours > maxHours) {
    throw new ToolError(
      `the window from ${formatTime(start)} to ${formatTime(end)} is ${Number(hours.toFixed(2))} hours long; at most ${maxHours} hours are allowed: narrow it, or query the part that matters`,
    );
  }
  return { start, end };
}

/** The `start` and `end` arguments of a lookup, described as lookupWindow reads them; spread into a tool's input schema. */
export function lookupWindowFields(maxHours: number) {
  return {
    start: isoTimeSchema.optional().describe('Start of the window: ISO 8601 with an offset. Defaults to an hour before end.'),
    end: isoTimeSchema.optional().describe(`End of the window: ISO 8601 with an offset, at most ${maxHours} hours after start. Defaults to now.`),
  };
}

/** The window of a lookup: `end` defaults to now, `start` to an hour before `end`; bounded as boundedWindow. */
export function lookupWindow(input: { start?: string; end?: string }, now: Date, maxHours: number): TimeWindow {
  const end = input.end === undefined ? now : new Date(input.end);
  const start = input.start === undefined ? new Date(end.getTime() - hourMs) : new Date(input.start);
  return boundedWindow(start, end, maxHours);
}
