/** A text as a tool shows it: whole, or its first `maxCharacters` and an ellipsis. */
export interface ClippedText {
  text: string;
  clipped: boolean;
}

/** `text` bounded to `maxCharacters` code points; the ellipsis after them says it was cut. */
export function clipText(text: string, maxCharacters: number): ClippedText {
  // Code points, not UTF-16 units: a cut never splits a character in two.
  const characters = Array.from(text);
  return characters.length <= maxCharacters ? { text, clipped: false } : { text: `${characters.slice(0, maxCharacters).join('')}…`, clipped: true };
}
