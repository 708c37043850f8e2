/** Markup that is safe to emit as is. Only `html` and `trustedHtml` create one. */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export type Interpolation = SafeHtml | string | number | false | null | undefined | readonly Interpolation[];

const replacements: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => replacements[character] ?? character);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === false || value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/** Template tag: every interpolated value is escaped unless it already is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((markup, text, index) => markup + render(values[index - 1]) + text));
}

/**
 * The one way to emit markup unescaped. Only for markup this module did not assemble from
 * user input, such as the logout form oidc-provider generates.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
