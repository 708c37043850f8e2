/** A moment as every page writes it: `2026-11-22 10:01:00 UTC`, to the second, always in UTC. */
export const formatUtc = (value: Date): string => `${value.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/** A moment for people (`formatUtc`), with the exact instant in `datetime` for machines. */
export function Time({ value }: { value: Date }) {
  return <time datetime={value.toISOString()}>{formatUtc(value)}</time>;
}
