// The result of a tool that lists what happened in a time window (alerts, audit entries,
// annotations): the upstream answers newest first and bounded, the tool shows the first
// maxItems with long texts clipped, and every such tool says the same things about the window,
// the filters, what it left out and how to widen or narrow the next call. Each tool keeps its
// query, its view of one item and its words; the shape of the result is decided here once.
import type { TimeWindow } from '@sre/victoriametrics';
import type { ToolLimits } from './limits';
import { selectFirst, type Noun } from './selection';
import { formatTime } from './time-window';
import type { ToolResult } from './tool';

/** One item as the model sees it, and whether a text of it was clipped to fit. */
export interface ClippedView<View> {
  view: View;
  clipped: boolean;
}

/** A listing tool's own words; the sentences around them are the same for every listing. */
export interface ListingWording {
  /** The content field that holds the items, e.g. `alerts`. */
  field: string;
  /** What the summary counts, e.g. `{ one: 'alert', many: 'alerts' }`. */
  noun: Noun;
  /** What the items did in the window, before it in the summary, e.g. `active` (…2 alerts active 09:00Z–10:00Z). */
  inWindow: string;
  /** The hint when nothing matched, before "in this window", e.g. `No alert was active`. */
  nothingMatched: string;
  /** The hint when more matched than are shown, before "than are shown", e.g. `More alerts matched`. */
  moreMatched: string;
  /** The filters that narrow a listing, after "filter by", e.g. `device, alertname or status`. */
  filters: string;
  clipped: {
    /** What clipping cuts, in the summary, e.g. `annotations` (…, annotations of 2 clipped). */
    part: string;
    /** How a clipped item reads, for the model, e.g. `annotations longer than 300 characters end in … where they were cut`. */
    note: string;
  };
}

/** What one call of a listing tool asked for and got back. */
export interface WindowedListing<Item, View> {
  window: TimeWindow;
  /** The upstream's answer, newest first; `truncated` says it had more than `items`. */
  found: { items: readonly Item[]; truncated: boolean };
  /** The filters the call was given, as phrases for the summary (`of device …`); `false` for one it was not given. */
  criteria: ReadonlyArray<string | false>;
  viewOf: (item: Item) => ClippedView<View>;
  limits: Pick<ToolLimits, 'maxItems' | 'maxRangeHours'>;
}

/** The result of a listing in a time window: the newest maxItems of what was found, what was left out or clipped, and a hint to widen or narrow. */
export function windowedListingResult<Item, View>(wording: ListingWording, { window, found, criteria, viewOf, limits }: WindowedListing<Item, View>): ToolResult {
  const selection = selectFirst(found.items, limits.maxItems, wording.noun, found.truncated);
  const views = selection.items.map(viewOf);
  const clipped = views.filter((item) => item.clipped).length;
  const filters = criteria.filter((criterion) => typeof criterion === 'string');
  const start = formatTime(window.start);
  const end = formatTime(window.end);
  const hint =
    found.items.length === 0
      ? `${wording.nothingMatched} in this window${filters.length ? ' with these filters' : ''}: widen the window (up to ${limits.maxRangeHours} hours) or drop a filter.`
      : selection.truncated
        ? `${wording.moreMatched} than are shown (the newest are): narrow the window, or filter by ${wording.filters}.`
        : undefined;
  return {
    content: {
      start,
      end,
      [wording.field]: views.map((item) => item.view),
      ...(clipped > 0 && { clipped: wording.clipped.note }),
      ...(hint && { hint }),
    },
    summary: [selection.description, ...filters, `${wording.inWindow} ${start}–${end}`].join(' ') + (clipped > 0 ? `, ${wording.clipped.part} of ${clipped} clipped` : ''),
    truncated: selection.truncated || clipped > 0,
  };
}
