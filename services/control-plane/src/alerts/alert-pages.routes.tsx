import type { Response } from 'express';
import { hasRole } from '@sre/auth';
import { notFound } from '../errors';
import type { RouteSpec } from '../web/access';
import { sendHtml, sendView, wantsFragment } from '../web/html';
import { pageContext } from '../web/page-context';
import { signedInUser } from '../web/session';
import { mayRequestDiagnosis } from '../diagnoses/diagnosis';
import type { DiagnosisService } from '../diagnoses/diagnoses.service';
import { DiagnosisPanel } from '../diagnoses/diagnoses.views';
import { alertIdParams, alertListQuery } from './alerts.input';
import type { AlertMetricsService } from './alert-metrics.service';
import type { AlertService } from './alerts.service';
import { Acknowledgement, AlertDetailPage, AlertList, AlertsPage } from './alerts.views';

/** The alert list (live), an alert's page, and acknowledging it. */
export function alertPageRoutes(alerts: AlertService, metrics: AlertMetricsService, diagnoses: DiagnosisService): RouteSpec[] {
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
        await sendView(request, response, {
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
        const context = pageContext(response, '/alerts');
        const diagnosisPanel = (
          <DiagnosisPanel overview={await diagnoses.overview(detail.alert.id)} canDiagnose={mayRequestDiagnosis(context.user?.roles ?? [])} csrfToken={context.csrfToken} />
        );
        sendHtml(
          response,
          <AlertDetailPage detail={detail} metrics={metrics.overview(detail)} context={context} canAcknowledge={canAcknowledge(response)} diagnosisPanel={diagnosisPanel} />,
        );
      },
    },
    {
      method: 'post',
      path: '/alerts/:id/acknowledge',
      access: 'operator',
      handler: async (request, response) => {
        const id = parseId(request.params);
        await alerts.acknowledge(id, { id: signedInUser(response).id, type: 'user' }, response.locals.requestId);
        if (!wantsFragment(request)) return response.redirect(303, `/alerts/${id}`);
        const { alert } = await alerts.get(id);
        response.vary('HX-Request-Type');
        sendHtml(response, <Acknowledgement alert={alert} canAcknowledge csrfToken={response.locals.session?.csrfToken} />);
      },
    },
  ];
}
