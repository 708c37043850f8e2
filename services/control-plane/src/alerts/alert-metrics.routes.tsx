import { notFound } from '../errors';
import type { RouteSpec } from '../web/access';
import { sendHtml, wantsFragment } from '../web/html';
import { alertIdParams } from './alerts.input';
import type { AlertMetricsService } from './alert-metrics.service';
import { AlertChartFragment } from './alert-metrics.views';

/** The alert chart fragment, which the alert page loads after it is shown. */
export function alertMetricsRoutes(metrics: AlertMetricsService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/alerts/:id/chart',
      access: 'viewer',
      handler: async (request, response) => {
        const parsed = alertIdParams.safeParse(request.params);
        if (!parsed.success) throw notFound('the alert');
        const { id } = parsed.data;
        response.vary('HX-Request-Type');
        // The chart is part of the alert page; someone who opens its URL directly gets the page.
        if (!wantsFragment(request)) return response.redirect(303, `/alerts/${id}`);
        const chart = await metrics.chart(id);
        if (chart.status === 'failed') response.locals.log.warn({ alertId: id, failure: chart.failure }, chart.message);
        sendHtml(response, <AlertChartFragment chart={chart} />);
      },
    },
  ];
}
