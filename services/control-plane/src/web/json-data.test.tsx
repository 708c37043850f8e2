import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { JsonData, jsonForScript } from './json-data';

const hostile = {
  label: '</script><img src=x onerror=alert(1)>',
  comment: '<!-- <script>',
  entities: '&amp; &lt; "quoted"',
  separators: 'a\u2028b\u2029c',
};

describe('JSON data blocks', () => {
  it('cannot be closed or turned into markup by the values they carry', () => {
    const html = render(<JsonData value={hostile} id="data" />);
    expect(html.startsWith('<script type="application/json" id="data">')).toBe(true);
    // The element's own closing tag is the only `</script`, and no `<` or `>` survives inside.
    expect(html.match(/<\/script/gi)).toHaveLength(1);
    const text = html.slice(html.indexOf('>') + 1, html.lastIndexOf('</script>'));
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    // What the browser hands to JSON.parse (a script's text is taken verbatim) is the value itself.
    expect(JSON.parse(text)).toEqual(hostile);
  });

  it('is plain JSON for ordinary values', () => {
    expect(jsonForScript({ timestamps: [1, 2], values: [null, 1.5] })).toBe('{"timestamps":[1,2],"values":[null,1.5]}');
    expect(jsonForScript(undefined)).toBe('null');
  });
});
