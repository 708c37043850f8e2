import { Layout, Notice } from '../web/layout.views';
import type { PageContext } from '../web/page-context';
import { deviceKinds, formatLabels, type Device, type DeviceDetail } from './device';

export const devicesPanelId = 'devices-panel';
export const deviceEditorId = 'device-editor';

export interface DeviceFormState {
  values: { name: string; kind: string; owner: string; labels: string };
  errors: Record<string, string>;
  /** Undefined for a new device. */
  deviceId?: string;
}

export const emptyDeviceForm = (): DeviceFormState => ({ values: { name: '', kind: 'host', owner: '', labels: '' }, errors: {} });

export const deviceFormFrom = (device: Device): DeviceFormState => ({
  values: { name: device.name, kind: device.kind, owner: device.owner ?? '', labels: formatLabels(device.labels) },
  errors: {},
  deviceId: device.id,
});

interface PanelProps {
  devices: Device[];
  search: string;
  canEdit: boolean;
  csrfToken: string | undefined;
  form?: DeviceFormState;
  notice?: string;
}

/** The list with its search box and, for admins, the editor: the unit htmx swaps. */
export function DevicesPanel({ devices, search, canEdit, csrfToken, form, notice }: PanelProps) {
  return (
    <section id={devicesPanelId} class="space-y-4">
      <div class="flex items-center gap-3">
        <h1 class="text-xl font-semibold">Devices</h1>
        <form method="get" action="/devices" class="ml-auto" role="search">
          <input
            type="search"
            name="q"
            value={search}
            placeholder="Search name or owner"
            aria-label="Search devices"
            class="rounded border border-slate-300 px-2 py-1 text-sm"
            hx-get="/devices"
            hx-trigger="input changed delay:300ms, search"
            hx-target={`#${devicesPanelId}`}
            hx-swap="outerHTML"
          />
        </form>
        {canEdit && !form ? (
          <a
            href="/devices/new"
            class="rounded bg-sky-600 px-3 py-1 text-sm font-medium text-white hover:bg-sky-500"
            hx-get="/devices/new"
            hx-target={`#${deviceEditorId}`}
            hx-swap="outerHTML"
          >
            New device
          </a>
        ) : null}
      </div>
      {notice ? <Notice tone="info" title={notice} /> : null}
      {canEdit && form ? <DeviceEditor form={form} csrfToken={csrfToken} /> : <div id={deviceEditorId}></div>}
      <DeviceTable devices={devices} canEdit={canEdit} />
    </section>
  );
}

function DeviceTable({ devices, canEdit }: { devices: Device[]; canEdit: boolean }) {
  if (devices.length === 0) return <p class="text-slate-600">No devices yet.</p>;
  return (
    <table class="w-full border-collapse overflow-hidden rounded bg-white text-sm shadow-sm">
      <thead class="bg-slate-100 text-left text-slate-600">
        <tr>
          <th class="px-3 py-2">Name</th>
          <th class="px-3 py-2">Kind</th>
          <th class="px-3 py-2">Owner</th>
          <th class="px-3 py-2">Labels</th>
          {canEdit ? <th class="px-3 py-2"><span class="sr-only">Actions</span></th> : null}
        </tr>
      </thead>
      <tbody>
        {devices.map((device) => (
          <tr class="border-t border-slate-100" data-testid="device-row">
            <td class="px-3 py-2 font-medium">
              <a class="text-sky-700 hover:underline" href={`/devices/${device.id}`}>{device.name}</a>
            </td>
            <td class="px-3 py-2">{device.kind}</td>
            <td class="px-3 py-2">{device.owner ?? '—'}</td>
            <td class="px-3 py-2"><Labels labels={device.labels} /></td>
            {canEdit ? (
              <td class="px-3 py-2 text-right">
                <a
                  href={`/devices/${device.id}/edit`}
                  class="text-sky-700 hover:underline"
                  hx-get={`/devices/${device.id}/edit`}
                  hx-target={`#${deviceEditorId}`}
                  hx-swap="outerHTML"
                >
                  Edit
                </a>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Labels({ labels }: { labels: Record<string, string> }) {
  return (
    <span class="flex flex-wrap gap-1">
      {Object.entries(labels).map(([key, value]) => (
        <code class="rounded bg-slate-100 px-1 text-xs">{`${key}=${value}`}</code>
      ))}
    </span>
  );
}

/** Create or edit form; posts back the whole panel so the list shows the change at once. */
export function DeviceEditor({ form, csrfToken }: { form: DeviceFormState; csrfToken: string | undefined }) {
  const action = form.deviceId ? `/devices/${form.deviceId}` : '/devices';
  const field = (name: keyof DeviceFormState['values']) => ({
    id: `device-${name}`,
    name,
    'aria-invalid': form.errors[name] ? true : undefined,
    'aria-describedby': form.errors[name] ? `device-${name}-error` : undefined,
    class: `mt-1 w-full rounded border px-2 py-1 ${form.errors[name] ? 'border-red-500' : 'border-slate-300'}`,
  });
  return (
    <form
      id={deviceEditorId}
      method="post"
      action={action}
      class="space-y-3 rounded border border-slate-200 bg-white p-4 shadow-sm"
      hx-post={action}
      hx-target={`#${devicesPanelId}`}
      hx-swap="outerHTML"
    >
      <h2 class="font-medium">{form.deviceId ? 'Edit device' : 'New device'}</h2>
      {form.errors.body ? <Notice tone="error" title={form.errors.body} /> : null}
      <input type="hidden" name="_csrf" value={csrfToken} />
      <div class="grid gap-3 sm:grid-cols-3">
        <label class="block text-sm" for="device-name">
          Name
          <input {...field('name')} value={form.values.name} required maxLength={200} />
          <FieldError name="name" errors={form.errors} />
        </label>
        <label class="block text-sm" for="device-kind">
          Kind
          <select {...field('kind')}>
            {deviceKinds.map((kind) => (
              <option value={kind} selected={form.values.kind === kind}>{kind}</option>
            ))}
          </select>
          <FieldError name="kind" errors={form.errors} />
        </label>
        <label class="block text-sm" for="device-owner">
          Owner
          <input {...field('owner')} value={form.values.owner} maxLength={200} />
          <FieldError name="owner" errors={form.errors} />
        </label>
      </div>
      <label class="block text-sm" for="device-labels">
        Labels <span class="text-slate-500">(one key=value per line, e.g. instance=web-1:9100)</span>
        <textarea {...field('labels')} rows={3}>{form.values.labels}</textarea>
        <FieldError name="labels" errors={form.errors} />
      </label>
      <div class="flex gap-2">
        <button type="submit" class="rounded bg-sky-600 px-3 py-1 text-sm font-medium text-white hover:bg-sky-500">
          {form.deviceId ? 'Save' : 'Create'}
        </button>
        <a href="/devices" class="px-3 py-1 text-sm text-slate-600 hover:underline">Cancel</a>
      </div>
    </form>
  );
}

function FieldError({ name, errors }: { name: string; errors: Record<string, string> }) {
  return errors[name] ? (
    <span id={`device-${name}-error`} class="mt-1 block text-xs text-red-700">{errors[name]}</span>
  ) : null;
}

export function DevicesPage(props: PanelProps & { context: PageContext }) {
  return (
    <Layout title="Devices" context={props.context}>
      <DevicesPanel {...props} />
    </Layout>
  );
}

export const deviceDetailId = 'device-detail';

export function DeviceDetailView({ device }: { device: DeviceDetail }) {
  const related = (title: string, items: DeviceDetail['dependsOn']) => (
    <div>
      <h2 class="font-medium">{title}</h2>
      {items.length ? (
        <ul class="mt-1 list-disc pl-5 text-sm">
          {items.map((item) => (
            <li><a class="text-sky-700 hover:underline" href={`/devices/${item.id}`}>{item.name}</a> <span class="text-slate-500">({item.kind})</span></li>
          ))}
        </ul>
      ) : (
        <p class="mt-1 text-sm text-slate-600">None recorded.</p>
      )}
    </div>
  );
  return (
    <section id={deviceDetailId} class="space-y-4">
      <h1 class="text-xl font-semibold">{device.name}</h1>
      <dl class="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
        <dt class="text-slate-500">Kind</dt><dd>{device.kind}</dd>
        <dt class="text-slate-500">Owner</dt><dd>{device.owner ?? '—'}</dd>
        <dt class="text-slate-500">Labels</dt><dd><Labels labels={device.labels} /></dd>
        <dt class="text-slate-500">Updated</dt><dd>{device.updatedAt.toISOString()}</dd>
      </dl>
      <div class="grid gap-4 sm:grid-cols-2">
        {related('Depends on', device.dependsOn)}
        {related('Depended on by', device.dependents)}
      </div>
    </section>
  );
}

export function DeviceDetailPage({ device, context }: { device: DeviceDetail; context: PageContext }) {
  return (
    <Layout title={device.name} context={context}>
      <DeviceDetailView device={device} />
    </Layout>
  );
}
