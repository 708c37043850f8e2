import { z } from 'zod';
import { maxQuestionLength, type QuestionInput } from './question';

// An empty form field means "not given".
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalId = (message: string) => z.preprocess(blankToUndefined, z.string().trim().pipe(z.uuid(message)).optional());

// What <input type="datetime-local"> sends: no zone. The page labels these fields UTC, as it
// shows every time, so the value is read as UTC.
const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const optionalUtcTime = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(localDateTime, 'a date and time such as 2026-03-01T14:00 (UTC)')
    .transform((value, context) => {
      const time = new Date(`${value}Z`);
      // Date rolls 30 February over into March; the round trip catches it.
      if (Number.isNaN(time.getTime()) || !time.toISOString().startsWith(value)) {
        context.addIssue({ code: 'custom', message: 'not a real date and time' });
        return z.NEVER;
      }
      return time.toISOString();
    })
    .optional(),
);

/** The Ask form as posted (urlencoded); maps to the question and context POST /execute takes. */
export const askForm = z
  .object({
    // Browsers send a textarea's line breaks as CRLF; counted as one character each, as the textarea's own limit counts them.
    question: z
      .string({ error: 'write a question' })
      .transform((text) => text.replaceAll('\r\n', '\n').trim())
      .pipe(z.string().min(1, 'write a question').max(maxQuestionLength, `at most ${maxQuestionLength.toLocaleString('en-US')} characters`)),
    alertId: optionalId('an alert id looks like 0b6f1a52-5c4e-4b7a-9d43-3c1c2f0e8a11 (the last part of the alert page’s address)'),
    deviceId: optionalId('choose a device from the list'),
    from: optionalUtcTime,
    to: optionalUtcTime,
  })
  .superRefine((form, context) => {
    if ((form.from === undefined) !== (form.to === undefined)) {
      context.addIssue({ code: 'custom', path: [form.from === undefined ? 'from' : 'to'], message: 'give both ends of the time range, or neither' });
    } else if (form.from !== undefined && form.to !== undefined && Date.parse(form.to) < Date.parse(form.from)) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before the start' });
    }
  })
  .transform(
    (form): QuestionInput => ({
      question: form.question,
      context: {
        ...(form.alertId ? { alertId: form.alertId } : {}),
        ...(form.deviceId ? { deviceId: form.deviceId } : {}),
        ...(form.from && form.to ? { timeRange: { from: form.from, to: form.to } } : {}),
      },
    }),
  );

// Anything that is not a single string (a missing or repeated field) is put back as empty.
const formText = z.string().catch('');

/** The form's fields as they were typed, whatever was posted: shown again when the question could not be asked. */
export const askFormValues = z.object({ question: formText, alertId: formText, deviceId: formText, from: formText, to: formText });

export type AskFormValues = z.output<typeof askFormValues>;

/** GET /ask may name an alert or device to ask about (links from their pages); anything else is ignored. */
export const askPrefillQuery = z.object({
  alertId: z.uuid().optional().catch(undefined),
  deviceId: z.uuid().optional().catch(undefined),
});

export const questionIdParams = z.object({ id: z.uuid('not a question id') });
