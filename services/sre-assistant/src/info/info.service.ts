import type { components } from '@sre/contracts/assistant-api';
import type { ControlPlaneClient } from '../integrations/control-plane.client';
import { UpstreamError, type UpstreamFailure } from '@sre/service-kit';

type ServiceInfo = components['schemas']['ServiceInfo'];
type ControlPlaneLink = components['schemas']['ControlPlaneLink'];

const linkStatus: Record<UpstreamFailure, ControlPlaneLink['status']> = {
  auth: 'unauthorized',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  rate_limited: 'error',
  client: 'error',
  server: 'error',
};

export interface InfoService {
  /** The service, the caller, and whether the assistant can call the control plane right now. */
  describe(caller: { clientId: string; scopes: ReadonlySet<string> }): Promise<ServiceInfo>;
}

/** `controlPlane` is undefined when the assistant has no client secret to get a token with. */
export function createInfoService(dependencies: { version: string; controlPlane: ControlPlaneClient | undefined }): InfoService {
  const { version, controlPlane } = dependencies;

  const checkControlPlane = async (): Promise<ControlPlaneLink> => {
    if (!controlPlane) {
      return { status: 'not_configured', detail: 'ASSISTANT_CLIENT_SECRET is not set, so the assistant cannot get a token for the control plane' };
    }
    try {
      const info = await controlPlane.getInfo();
      return { status: 'ok', detail: `${info.service} ${info.version} accepted the assistant as client ${info.caller.clientId}` };
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      return { status: linkStatus[error.kind], detail: error.message };
    }
  };

  return {
    async describe(caller) {
      return {
        service: 'sre-assistant',
        version,
        caller: { clientId: caller.clientId, scopes: [...caller.scopes].sort() },
        controlPlane: await checkControlPlane(),
      };
    },
  };
}
