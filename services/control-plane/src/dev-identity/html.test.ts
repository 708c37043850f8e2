import { describe, expect, it } from 'vitest';
import { html, trustedHtml } from './html';

describe('html', () => {
  it('escapes interpolated text, in content and in attributes', () => {
    const name = `"><img src=x onerror='alert(1)'>&`;

    expect(html`<p title="${name}">${name}</p>`.markup).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;">&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;</p>',
    );
  });

  it('nests fragments and lists without escaping them twice, and drops empty values', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);

    expect(html`<ul>${items}</ul>${false}${undefined}${null}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('passes trusted markup through unchanged', () => {
    expect(html`<div>${trustedHtml('<form id="f"></form>')}</div>`.markup).toBe('<div><form id="f"></form></div>');
  });
});
