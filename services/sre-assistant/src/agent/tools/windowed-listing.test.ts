import { describe, expect, it } from 'vitest';
import { clipText } from './clipped-text';
import { windowedListingResult, type ListingWording } from './windowed-listing';

const wording: ListingWording = {
  field: 'notes',
  noun: { one: 'note', many: 'notes' },
  inWindow: 'written',
  nothingMatched: 'Nobody wrote',
  moreMatched: 'More notes matched',
  filters: 'author',
  clipped: { part: 'texts', note: 'texts longer than 5 characters end in …' },
};
const window = { start: new Date('2026-05-01T09:00:00Z'), end: new Date('2026-05-01T10:00:00Z') };
const limits = { maxItems: 2, maxRangeHours: 24 };
const noteView = (text: string) => {
  const shown = clipText(text, 5);
  return { view: { text: shown.text }, clipped: shown.clipped };
};
const list = (items: string[], options: { truncated?: boolean; criteria?: Array<string | false> } = {}) =>
  windowedListingResult(wording, { window, found: { items, truncated: options.truncated ?? false }, criteria: options.criteria ?? [], viewOf: noteView, limits });

describe('windowedListingResult', () => {
  it('shows every item found under the tool’s field, with the window, and names the filters given', () => {
    const result = list(['one', 'two'], { criteria: ['by ana', false] });
    expect(result).toEqual({
      content: { start: '2026-05-01T09:00:00Z', end: '2026-05-01T10:00:00Z', notes: [{ text: 'one' }, { text: 'two' }] },
      summary: '2 notes by ana written 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z',
      truncated: false,
    });
  });

  it('asks to widen the window when nothing matched, and to drop a filter only said when there is one', () => {
    expect(list([]).content).toMatchObject({ hint: 'Nobody wrote in this window: widen the window (up to 24 hours) or drop a filter.' });
    expect(list([], { criteria: ['by ana'] }).content).toMatchObject({
      hint: 'Nobody wrote in this window with these filters: widen the window (up to 24 hours) or drop a filter.',
    });
  });

  it('shows the first maxItems and asks to narrow when more matched, here or upstream', () => {
    const here = list(['one', 'two', 'six']);
    expect(here.content).toMatchObject({ notes: [{ text: 'one' }, { text: 'two' }], hint: 'More notes matched than are shown (the newest are): narrow the window, or filter by author.' });
    expect(here).toMatchObject({ summary: 'showing 2 of 3 notes written 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z', truncated: true });
    expect(list(['one'], { truncated: true }).summary).toBe('showing 1 of more than 1 notes written 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z');
  });

  it('counts the items whose text was clipped, and says how a clipped one reads', () => {
    const result = list(['short', 'much longer']);
    expect(result.content).toEqual({
      start: '2026-05-01T09:00:00Z',
      end: '2026-05-01T10:00:00Z',
      notes: [{ text: 'short' }, { text: 'much …' }],
      clipped: 'texts longer than 5 characters end in …',
    });
    expect(result).toMatchObject({ summary: '2 notes written 2026-05-01T09:00:00Z–2026-05-01T10:00:00Z, texts of 1 clipped', truncated: true });
  });
});
