// A <script> element's text is not HTML: the browser decodes no entities in it, so the usual
// escaping (which preact applies to every text child, scripts included) would corrupt JSON.
// Instead, every character that could end the element (`</script>`) or start a comment or
// markup (`<!--`, `<`, `>`, `&`) is written as a JSON \u escape, which JSON.parse turns back
// into the same character. U+2028/U+2029 are escaped too, for older JavaScript parsers.
const unsafeInScript = /[<>&\u2028\u2029]/g;

/** JSON that is safe as the text of a `<script type="application/json">` element. */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(unsafeInScript, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON data block for front-end code to read with `JSON.parse(element.textContent)`; never executed. */
export function JsonData({ value, ...attributes }: { value: unknown; id?: string; 'data-testid'?: string }) {
  return <script type="application/json" {...attributes} dangerouslySetInnerHTML={{ __html: jsonForScript(value) }} />;
}
