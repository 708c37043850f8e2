import type { Request, Response } from 'express';
import { hasRole } from '@sre/auth';
import { AppError, fieldErrors, validationFailed } from '../errors';
import type { Actor } from '../audit/audit';
import type { RouteSpec } from '../web/access';
import { sendHtml, sendView, wantsFragment } from '../web/html';
import { pageContext } from '../web/page-context';
import { signedInUser } from '../web/session';
import type { DeviceService } from './devices.service';
import { deviceForm, deviceIdParams, deviceListQuery } from './devices.input';
import {
  DeviceDetailPage,
  DeviceDetailView,
  DeviceEditor,
  deviceFormFrom,
  DevicesPage,
  DevicesPanel,
  emptyDeviceForm,
  type DeviceFormState,
} from './devices.views';

/** The device inventory: everyone with a role reads it, admins change it. */
export function deviceRoutes(devices: DeviceService): RouteSpec[] {
  const showPanel = async (request: Request, response: Response, extra: { form?: DeviceFormState; notice?: string; search?: string } = {}, status = 200) => {
    const search = extra.search ?? deviceListQuery.parse(request.query).q;
    const props = {
      devices: await devices.list(search),
      search,
      canEdit: hasRole(response.locals.session?.user?.roles ?? [], 'admin'),
      csrfToken: response.locals.session?.csrfToken,
      form: extra.form,
      notice: extra.notice,
    };
    await sendView(request, response, {
      page: () => <DevicesPage {...props} context={pageContext(response, '/devices')} />,
      fragment: () => <DevicesPanel {...props} />,
    }, status);
  };

  // The editor alone for htmx; without JavaScript, the whole page with the editor open.
  const showEditor = async (request: Request, response: Response, form: DeviceFormState) => {
    if (!wantsFragment(request)) return showPanel(request, response, { form });
    response.vary('HX-Request-Type');
    sendHtml(response, <DeviceEditor form={form} csrfToken={response.locals.session?.csrfToken} />);
  };

  const save = (write: (request: Request, actor: Actor, requestId: string) => Promise<{ name: string }>, verb: string) =>
    async (request: Request, response: Response) => {
      try {
        const device = await write(request, { id: signedInUser(response).id, type: 'user' }, response.locals.requestId);
        // Post/redirect/get for plain forms; htmx gets the refreshed panel in place.
        if (!wantsFragment(request)) return response.redirect(303, '/devices');
        await showPanel(request, response, { notice: `${verb} ${device.name}`, search: '' });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
        const deviceId = typeof request.params.id === 'string' ? request.params.id : undefined;
        const form: DeviceFormState = { values: formValues(request.body), errors: error.details.fields ?? {}, deviceId };
        await showPanel(request, response, { form, search: '' }, 422);
      }
    };

  return [
    { method: 'get', path: '/devices', access: 'viewer', handler: (request, response) => showPanel(request, response) },
    {
      method: 'get',
      path: '/devices/new',
      access: 'admin',
      handler: (request, response) => showEditor(request, response, emptyDeviceForm()),
    },
    {
      method: 'post',
      path: '/devices',
      access: 'admin',
      handler: save((request, actor, requestId) => devices.create(parseForm(request), actor, requestId), 'Created'),
    },
    {
      method: 'get',
      path: '/devices/:id',
      access: 'viewer',
      handler: async (request, response) => {
        const device = await devices.get(parseId(request));
        await sendView(request, response, {
          page: () => <DeviceDetailPage device={device} context={pageContext(response, '/devices')} />,
          fragment: () => <DeviceDetailView device={device} />,
        });
      },
    },
    {
      method: 'get',
      path: '/devices/:id/edit',
      access: 'admin',
      handler: async (request, response) => showEditor(request, response, deviceFormFrom(await devices.find(parseId(request)))),
    },
    {
      method: 'post',
      path: '/devices/:id',
      access: 'admin',
      handler: save((request, actor, requestId) => devices.update(parseId(request), parseForm(request), actor, requestId), 'Saved'),
    },
  ];
}

function parseForm(request: Request) {
  const parsed = deviceForm.safeParse(request.body);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));
  return parsed.data;
}

function parseId(request: Request): string {
  const parsed = deviceIdParams.safeParse(request.params);
  if (!parsed.success) throw new AppError('not_found', 'the device was not found');
  return parsed.data.id;
}

const formValues = (body: unknown): DeviceFormState['values'] => {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? record[key] : '');
  return { name: text('name'), kind: text('kind'), owner: text('owner'), labels: text('labels') };
};
