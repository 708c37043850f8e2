import { describe, expect, it } from 'vitest';
import { clipText } from './clipped-text';

describe('clipText', () => {
  it('keeps a text of at most the limit whole', () => {
    expect(clipText('abc', 3)).toEqual({ text: 'abc', clipped: false });
  });

  it('cuts a longer text after the limit and marks the cut with an ellipsis', () => {
    expect(clipText('abcdef', 3)).toEqual({ text: 'abc…', clipped: true });
  });

  it('counts characters, not UTF-16 units, so a cut never splits one', () => {
    expect(clipText('🔥🔥🔥', 3)).toEqual({ text: '🔥🔥🔥', clipped: false });
    expect(clipText('🔥🔥🔥', 2)).toEqual({ text: '🔥🔥…', clipped: true });
  });
});
