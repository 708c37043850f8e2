import type { Request } from 'express';
import { alertIdParams } from '../alerts/alerts.input';
import { AppError, notFound } from '../errors';
import { requesterName } from '../sessions/session';
import type { RouteSpec } from '../web/access';
import { sendHtml, wantsFragment } from '../web/html';
import { signedInUser } from '../web/session';
import { diagnoseRole, mayRequestDiagnosis } from './diagnosis';
import type { DiagnosisService } from './diagnoses.service';
import { DiagnosisPanel } from './diagnoses.views';

/** The diagnosis panel's own URL (it polls it while a diagnosis runs) and the Diagnose action. */
export function diagnosisRoutes(diagnoses: DiagnosisService): RouteSpec[] {
  const parseAlertId = (request: Request) => {
    const parsed = alertIdParams.safeParse(request.params);
    if (!parsed.success) throw notFound('the alert');
    return parsed.data.id;
  };

  return [
    {
      method: 'get',
      path: '/alerts/:id/diagnosis',
      access: 'viewer',
      handler: async (request, response) => {
        const alertId = parseAlertId(request);
        const overview = await diagnoses.overview(alertId);
        response.vary('HX-Request-Type');
        // The panel lives on the alert page; a browser landing here directly gets that page.
        if (!wantsFragment(request)) return response.redirect(303, `/alerts/${alertId}`);
        const session = response.locals.session;
        sendHtml(response, <DiagnosisPanel overview={overview} canDiagnose={mayRequestDiagnosis(session?.user?.roles ?? [])} csrfToken={session?.csrfToken} />);
      },
    },
    {
      method: 'post',
      path: '/alerts/:id/diagnose',
      access: diagnoseRole,
      handler: async (request, response) => {
        const alertId = parseAlertId(request);
        const user = signedInUser(response);
        const requester = { actor: { id: user.id, type: 'user' as const }, requestedBy: requesterName(user) };
        const outcome = await diagnoses.request(alertId, requester, response.locals.requestId);
        const refusal = outcome.kind === 'refused' ? outcome.failure : undefined;
        if (!wantsFragment(request)) {
          if (refusal) throw new AppError('upstream_unavailable', `The diagnosis could not be started: ${refusal.message}.`);
          return response.redirect(303, `/alerts/${alertId}`);
        }
        const overview = await diagnoses.overview(alertId);
        response.vary('HX-Request-Type');
        sendHtml(response, <DiagnosisPanel overview={overview} canDiagnose csrfToken={response.locals.session?.csrfToken} refusal={refusal} />, refusal ? 503 : 200);
      },
    },
  ];
}
