/**
 * How many entries a tool asks an upstream for: more than it shows, so that it can say how
 * many there were ("showing 20 of 143 series") without fetching everything.
 */
export const countedUpTo = 1_000;

/** The entries a tool shows, and a phrase that says what it left out. */
export interface Selection<Item> {
  items: Item[];
  truncated: boolean;
  /** "7 series", "showing 20 of 143 series", "showing 20 of more than 1000 series". */
  description: string;
}

/** A noun in both numbers: `{ one: 'device', many: 'devices' }`. */
export interface Noun {
  one: string;
  many: string;
}

/**
 * The first `limit` of `items`. `moreUpstream` says the upstream had more than `items` (it was
 * cut at countedUpTo): the count is then a lower bound.
 */
export function selectFirst<Item>(items: readonly Item[], limit: number, noun: Noun, moreUpstream = false): Selection<Item> {
  const shown = items.slice(0, limit);
  const truncated = moreUpstream || items.length > shown.length;
  const total = `${moreUpstream ? 'more than ' : ''}${items.length}`;
  const description = truncated ? `showing ${shown.length} of ${total} ${noun.many}` : `${shown.length} ${shown.length === 1 ? noun.one : noun.many}`;
  return { items: shown, truncated, description };
}
