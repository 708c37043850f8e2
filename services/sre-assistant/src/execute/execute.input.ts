import { z } from 'zod';
import type { components } from '@sre/contracts/assistant-api';
import { contractSchema, uuid } from '../validation';

// RFC 3339 date-time, as the contract's `format: date-time`: an offset (or Z) is required.
const dateTime = () => z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T14:00:00Z' });

const timeRange = z.strictObject({ from: dateTime(), to: dateTime() }).refine((range) => Date.parse(range.to) >= Date.parse(range.from), {
  path: ['to'],
  error: 'must not be before from',
  // Only two valid date-times can be compared; an invalid one is reported on its own.
  when: (payload) => payload.issues.length === 0,
});

/** Body of POST /execute; unknown fields are refused at every level (see the contract). */
export const executeRequest = contractSchema<components['schemas']['ExecuteRequest']>()(
  z.strictObject({
    question: z.string().min(1).max(2000).regex(/\S/, { error: 'must not be blank' }),
    context: z.strictObject({ alertId: uuid().optional(), deviceId: uuid().optional(), timeRange: timeRange.optional() }).optional(),
    requestedBy: z.string().min(1).max(200).optional(),
  }),
);
