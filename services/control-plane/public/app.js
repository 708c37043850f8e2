// Sends the session's CSRF token with every htmx request (the server refuses unsafe methods
// without it). The token is in a meta tag so no inline script is needed under the strict CSP.
document.addEventListener('htmx:config:request', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  if (token) event.detail.ctx.request.headers['X-CSRF-Token'] = token;
});
