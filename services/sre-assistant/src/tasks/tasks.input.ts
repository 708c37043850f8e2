import { z } from 'zod';
import type { operations } from '@sre/contracts/assistant-api';
import { contractSchema, uuid } from '../validation';

/** Path parameters of GET /tasks/{id}. */
export const taskParams = contractSchema<operations['getTask']['parameters']['path']>()(z.object({ id: uuid() }));
