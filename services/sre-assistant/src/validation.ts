import { z } from 'zod';
import { validationFailed, type FieldError } from './errors';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Returns the schema unchanged, but only compiles when the schema's output is exactly the
 * contract type: a field added, dropped or retyped on either side fails `tsc`. Curried because
 * TypeScript cannot take `Contract` explicitly and still infer `Schema`.
 */
export function contractSchema<Contract>() {
  return <Schema extends z.ZodType>(
    schema: Schema & (Equal<z.output<Schema>, Contract> extends true ? unknown : { 'schema output differs from the contract': Contract }),
  ): Schema => schema;
}

/** A UUID, with a message a caller can act on (a missing one is left to parseInput's "is required"). */
export const uuid = () => z.uuid({ error: (issue) => (issue.input === undefined ? undefined : 'must be a UUID') });

// Zod says "expected string, received undefined"; a caller understands "is required".
const requiredMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type' || issue.input !== undefined) return undefined;
  return issue.path?.length ? 'is required' : 'a JSON object is required (Content-Type: application/json)';
};

/** Parses request input, or throws a validation_failed AppError naming every failing field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input, { error: requiredMessages });
  if (result.success) return result.data;
  throw validationFailed(result.error.issues.flatMap(toFieldErrors));
}

function toFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'is not a known field' }));
  }
  return [{ path: path.join('.'), message: issue.message }];
}
