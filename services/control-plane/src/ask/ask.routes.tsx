import type { Request, Response } from 'express';
import { fieldErrors, notFound } from '../errors';
import { requesterName } from '../sessions/session';
import type { RouteSpec } from '../web/access';
import { sendHtml, sendView } from '../web/html';
import { pageContext } from '../web/page-context';
import { signedInUser } from '../web/session';
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
        const taskId = parseQuestionId(request);
        // The panel polls itself every second: its fragment reads only what the panel shows.
        await sendView(request, response, {
          page: async () => <QuestionPage context={pageContext(response, askUrl)} overview={await asking.overview(taskId)} />,
          fragment: async () => <AnswerPanel answer={await asking.answer(taskId)} />,
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
