import { z } from 'zod';

// Userinfo (user:password@) would put a credential wherever the URL is logged or reported; every
// credential a service sends has a variable of its own.
const withoutUserinfo = (value: string) => {
  const url = URL.parse(value);
  // Not a URL at all is z.url's problem to report, once.
  return url === null || (url.username === '' && url.password === '');
};

/** An http(s) URL without a user name or password, for a configuration variable; `example` shows a valid one in the error. */
export const httpUrl = (example: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s) URL, e.g. ${example}` })
    .refine(withoutUserinfo, { error: 'must not carry a user name or password (user:password@): URLs end up in logs' });
