import { AppError, fieldErrors } from '../errors';
import type { RouteSpec } from '../web/access';
import { alertmanagerWebhook } from './alerts.input';
import type { AlertIntakeService } from './alert-intake.service';

/** Alertmanager's webhook receiver: 200 only once the batch is committed (Alertmanager retries otherwise). */
export function alertIntakeRoutes(intake: AlertIntakeService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/api/v1/alerts/alertmanager',
      access: { sharedSecret: 'alertmanager' },
      handler: async (request, response) => {
        const parsed = alertmanagerWebhook.safeParse(request.body);
        if (!parsed.success) {
          throw new AppError('bad_request', 'the body is not an Alertmanager webhook (payload version 4) within the limits', {
            fields: fieldErrors(parsed.error),
          });
        }
        response.json(await intake.ingest(parsed.data, response.locals.requestId));
      },
    },
  ];
}
