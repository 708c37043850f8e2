import { Layout, Notice } from './layout.views';
import type { PageContext } from './page-context';

export const errorFragmentId = 'error-message';

export function ErrorFragment({ title, message, requestId }: { title: string; message: string; requestId: string }) {
  return (
    <div id={errorFragmentId}>
      <Notice tone="error" title={title}>
        <p>{message}</p>
        <p class="mt-1 text-xs text-red-700">Request id: {requestId}</p>
      </Notice>
    </div>
  );
}

export function ErrorPage(props: { title: string; message: string; requestId: string; context: PageContext; action?: { href: string; label: string } }) {
  return (
    <Layout title={props.title} context={props.context}>
      <ErrorFragment title={props.title} message={props.message} requestId={props.requestId} />
      {props.action ? (
        <p class="mt-4">
          <a class="text-sky-700 underline" href={props.action.href}>
            {props.action.label}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
