import type { Request, Response } from 'express';
import { fieldErrors, notFound, unauthenticated } from '../errors';
import { requesterName, type SessionUser } from '../sessions/session';
import type { RouteSpec } from '../web/access';
import { sendHtml, sendView } from '../web/html';
import { pageContext } from '../web/page-context';
import { askForm, askFormValues, askPrefillQuery, questionIdParams } from './ask.input';
import type { AskService } from './ask.service';
import { AnswerPanel, AskPage, askUrl, emptyAskForm, QuestionPage, questionUrl, type AskFormState } from './ask.views';
import { askRole } from './question';

/** The Ask page: operators put free-form questions to the assistant and watch them answered. */
export function askRoutes(asking: AskService): RouteSpec[] {
  const showAskPage = async (response: Response, form: AskFormState, status = 200) => {
    const { devices, recent } = await asking.askPage(requesterName(signedInUser(response)));
    sendHtml(response, <AskPage context={pageContext(response, askUrl)} form={form} devices={devices} recent={recent} />, status);
  };

  return [
    {
      method: 'get',
      path: '/ask',
      access: askRole,
      handler: (request, response) => showAskPage(response, emptyAskForm(askPrefillQuery.parse(request.query))),
    },
    {
      method: 'post',
      path: '/ask',
      access: askRole,
      handler: async (request, response) => {
        const values = askFormValues.parse(request.body ?? {});
        const parsed = askForm.safeParse(request.body ?? {});
        if (!parsed.success) return showAskPage(response, { values, errors: fieldErrors(parsed.error) }, 422);
        const user = signedInUser(response);
        const outcome = await asking.ask(parsed.data, { actor: { id: user.id, type: 'user' }, requestedBy: requesterName(user) }, response.locals.requestId);
        if (outcome.kind === 'invalid') return showAskPage(response, { values, errors: outcome.fields }, 422);
        if (outcome.kind === 'refused') return showAskPage(response, { values, errors: {}, refusal: outcome.failure }, 503);
        response.redirect(303, questionUrl(outcome.taskId));
      },
    },
    {
      method: 'get',
      path: '/ask/:id',
      access: askRole,
      handler: async (request, response) => {
        const overview = await asking.overview(parseQuestionId(request));
        sendView(request, response, {
          page: () => <QuestionPage context={pageContext(response, askUrl)} overview={overview} />,
          fragment: () => <AnswerPanel overview={overview} />,
        });
      },
    },
  ];
}

function parseQuestionId(request: Request): string {
  const parsed = questionIdParams.safeParse(request.params);
  if (!parsed.success) throw notFound('the question');
  return parsed.data.id;
}

function signedInUser(response: Response): SessionUser {
  const user = response.locals.session?.user;
  if (!user) throw unauthenticated();
  return user;
}
