import type { Response } from 'express';
import { hasRole } from '@sre/auth';
import { AppError, notFound } from '../errors';
import type { RouteSpec } from '../web/access';
import { sendHtml, sendView, wantsFragment } from '../web/html';
import { pageContext } from '../web/page-context';
import { alertIdParams, alertListQuery } from './alerts.input';
import type { AlertService } from './alerts.service';
import { Acknowledgement, AlertDetailPage, AlertList, AlertsPage } from './alerts.views';

/** The alert list (live), an alert's page, and acknowledging it. */
export function alertPageRoutes(alerts: AlertService): RouteSpec[] {
  const parseId = (params: unknown) => {
    const parsed = alertIdParams.safeParse(params);
    if (!parsed.success) throw notFound('the alert');
    return parsed.data.id;
  };
  const canAcknowledge = (response: Response) => hasRole(response.locals.session?.user?.roles ?? [], 'operator');

  return [
    {
      method: 'get',
      path: '/alerts',
      access: 'viewer',
      handler: async (request, response) => {
        const { filter, cursor, text } = alertListQuery.parse(request.query);
        const props = { page: await alerts.list(filter, cursor), query: text, live: cursor === undefined };
        sendView(request, response, {
          page: () => <AlertsPage {...props} context={pageContext(response, '/alerts')} />,
          fragment: () => <AlertList {...props} />,
        });
      },
    },
    {
      method: 'get',
      path: '/alerts/:id',
      access: 'viewer',
      handler: async (request, response) => {
        const detail = await alerts.get(parseId(request.params));
        sendHtml(response, <AlertDetailPage detail={detail} context={pageContext(response, '/alerts')} canAcknowledge={canAcknowledge(response)} />);
      },
    },
    {
      method: 'post',
      path: '/alerts/:id/acknowledge',
      access: 'operator',
      handler: async (request, response) => {
        const id = parseId(request.params);
        const user = response.locals.session?.user;
        if (!user) throw new AppError('unauthenticated', 'log in to continue');
        await alerts.acknowledge(id, { id: user.id, type: 'user' }, response.locals.requestId);
        if (!wantsFragment(request)) return response.redirect(303, `/alerts/${id}`);
        const { alert } = await alerts.get(id);
        response.vary('HX-Request-Type');
        sendHtml(response, <Acknowledgement alert={alert} canAcknowledge csrfToken={response.locals.session?.csrfToken} />);
      },
    },
  ];
}
