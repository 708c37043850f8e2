// What a model call costs, estimated from its usage metadata. Google's list prices in US dollars
// per million tokens (standard tier, prompts up to 200k tokens, checked 2026-11); thinking tokens
// are billed as output. Configured prices win: contracts, other tiers and new models differ.

export interface TokenPrices {
  /** US dollars per million input (prompt) tokens. */
  input: number;
  /** US dollars per million output tokens, thinking included. */
  output: number;
}

const listPrices: ReadonlyArray<readonly [prefix: string, prices: TokenPrices]> = [
  ['gemini-2.5-flash-lite', { input: 0.1, output: 0.4 }],
  ['gemini-2.5-flash', { input: 0.3, output: 2.5 }],
  ['gemini-2.5-pro', { input: 1.25, output: 10 }],
];

/** The prices to charge for a model: the configured ones, else the list price of its model family (the most specific listed first); undefined when neither is known. */
export function pricesFor(model: string, configured: { input: number | undefined; output: number | undefined }): TokenPrices | undefined {
  const listed = listPrices.find(([prefix]) => model === prefix || model.startsWith(`${prefix}-`))?.[1];
  const input = configured.input ?? listed?.input;
  const output = configured.output ?? listed?.output;
  return input === undefined || output === undefined ? undefined : { input, output };
}

/** Dollars for this many tokens at these prices. */
export function costOf(tokens: { input: number; output: number }, prices: TokenPrices): number {
  return (tokens.input * prices.input + tokens.output * prices.output) / 1_000_000;
}
