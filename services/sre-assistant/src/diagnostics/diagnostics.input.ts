import { z } from 'zod';
import type { components } from '@sre/contracts/assistant-api';
import { contractSchema, uuid } from '../validation';

/** Body of POST /diagnostics/alert; unknown fields are refused (see the contract). */
export const diagnoseAlertRequest = contractSchema<components['schemas']['DiagnoseAlertRequest']>()(
  z.strictObject({
    alertId: uuid(),
    requestedBy: z.string().min(1).max(200).optional(),
  }),
);
