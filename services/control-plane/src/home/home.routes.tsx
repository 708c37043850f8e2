import type { AssistantClient } from '../integrations/assistant.client';
import type { RouteSpec } from '../web/access';
import { sendHtml } from '../web/html';
import { pageContext } from '../web/page-context';
import { HomePage, SystemStatus } from './home.views';

/** The overview page and its live system-status fragment. */
export function homeRoutes(assistant: AssistantClient): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'public',
      handler: (_request, response) => sendHtml(response, <HomePage context={pageContext(response, '/')} />),
    },
    {
      method: 'get',
      path: '/system-status',
      access: 'viewer',
      handler: async (_request, response) => sendHtml(response, <SystemStatus assistant={await assistant.info()} />),
    },
  ];
}
