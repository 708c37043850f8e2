import type { Request, Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/**
 * htmx 4 marks requests whose response replaces part of a page with `HX-Request-Type: partial`;
 * everything else (a navigation, a boosted link to the body) gets the full page.
 */
export function wantsFragment(request: Request): boolean {
  return request.get('HX-Request-Type') === 'partial';
}

/**
 * Sends the fragment to htmx and the full page to everyone else. The page renders the same
 * fragment component, so the two cannot drift; `Vary` keeps caches from mixing them up. Only
 * the view sent is built, so one that reads data (a page needing more than its fragment) reads
 * only its own.
 */
export async function sendView(
  request: Request,
  response: Response,
  views: { page: () => VNode | Promise<VNode>; fragment: () => VNode | Promise<VNode> },
  status = 200,
): Promise<void> {
  const view = await (wantsFragment(request) ? views.fragment() : views.page());
  response.vary('HX-Request-Type');
  sendHtml(response, view, status);
}

/** Renders a component to HTML (escaped by default) and sends it; full documents get a doctype. */
export function sendHtml(response: Response, node: VNode, status = 200): void {
  const html = render(node);
  response
    .status(status)
    .type('html')
    .send(html.startsWith('<html') ? `<!doctype html>${html}` : html);
}
