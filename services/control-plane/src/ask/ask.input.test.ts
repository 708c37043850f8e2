import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../errors';
import { askForm, askFormValues, askPrefillQuery } from './ask.input';
import { parseStoredQuestion, questionHeadline } from './question';

const alertId = '0b6f1a52-5c4e-4b7a-9d43-3c1c2f0e8a11';
const deviceId = '5d2f7c3e-8a41-4c8e-b8f6-0f7d6a2e9b10';
const form = (fields: Record<string, string>) => ({ _csrf: 'token', question: 'Why is checkout slow?', alertId: '', deviceId: '', from: '', to: '', ...fields });
const errorsOf = (fields: Record<string, string>) => {
  const parsed = askForm.safeParse(form(fields));
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe('the Ask form', () => {
  it('maps to the question and context POST /execute takes, reading the times as UTC', () => {
    expect(askForm.parse(form({ question: '  Why is checkout slow?\r\nSince 14:00.  ', alertId: ` ${alertId} `, deviceId, from: '2026-03-01T14:00', to: '2026-03-01T15:00:30' }))).toEqual({
      question: 'Why is checkout slow?\nSince 14:00.',
      context: { alertId, deviceId, timeRange: { from: '2026-03-01T14:00:00.000Z', to: '2026-03-01T15:00:30.000Z' } },
    });
    expect(askForm.parse(form({}))).toEqual({ question: 'Why is checkout slow?', context: {} });
  });

  it('names each field that is wrong', () => {
    expect(errorsOf({ question: ' \r\n ' })).toEqual({ question: 'write a question' });
    expect(errorsOf({ question: 'x'.repeat(2001) })).toEqual({ question: 'at most 2,000 characters' });
    expect(errorsOf({ alertId: 'alert-7', deviceId: 'web-1' })).toEqual({
      alertId: expect.stringContaining('an alert id looks like'),
      deviceId: 'choose a device from the list',
    });
    expect(errorsOf({ from: '2026-03-01T14:00' })).toEqual({ to: 'give both ends of the time range, or neither' });
    expect(errorsOf({ to: '2026-03-01T14:00' })).toEqual({ from: 'give both ends of the time range, or neither' });
    expect(errorsOf({ from: '2026-03-01T15:00', to: '2026-03-01T14:00' })).toEqual({ to: 'must not be before the start' });
    expect(errorsOf({ from: 'yesterday', to: '2026-02-30T14:00' })).toEqual({ from: expect.stringContaining('a date and time such as'), to: 'not a real date and time' });
  });

  it('counts a CRLF line break as one character, as the textarea limit does', () => {
    const lines = `${'x'.repeat(999)}\r\n${'y'.repeat(1000)}`;
    expect(askForm.parse(form({ question: lines })).question).toHaveLength(2000);
  });

  it('keeps what was typed for the form, whatever was posted', () => {
    expect(askFormValues.parse({ question: '<b>hi</b>', alertId: ['a', 'b'] })).toEqual({ question: '<b>hi</b>', alertId: '', deviceId: '', from: '', to: '' });
    expect(askPrefillQuery.parse({ alertId, deviceId: 'not-a-uuid' })).toEqual({ alertId, deviceId: undefined });
  });
});

describe('reading a stored question', () => {
  it('reads the POST /execute body the assistant stored, and says when it cannot', () => {
    expect(parseStoredQuestion({ question: 'Why?', context: { deviceId }, requestedBy: 'olga@example.com' })).toEqual({ readable: true, text: 'Why?', context: { deviceId } });
    expect(parseStoredQuestion({ question: 'Why?' })).toEqual({ readable: true, text: 'Why?', context: {} });
    expect(parseStoredQuestion({ prompt: 'Why?' })).toEqual({ readable: false, problem: expect.stringMatching(/^question: /) });
  });

  it('shortens a question to its first line for lists', () => {
    expect(questionHeadline('Why is checkout slow?')).toBe('Why is checkout slow?');
    expect(questionHeadline('Why is checkout slow?\nIt started at 14:00.')).toBe('Why is checkout slow? …');
    const long = `${'word '.repeat(40)}end`;
    const headline = questionHeadline(long);
    expect(headline.endsWith('word…')).toBe(true);
    expect(headline.length).toBeLessThanOrEqual(161);
  });
});
