import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DedicatedMember } from '../../domain/entities/site';
import type { SitesSettings } from './settings';

export interface MemberActivityOptions {
  /** The cloud's Keystone URL (the platform's provisioning account): with the local driver, the simulator's. */
  authUrl?: string;
  /** How long a server is waited for to be ACTIVE on the data plane (2 minutes by default). */
  activeWithinMs?: number;
  pollMs?: number;
}

const heartbeat = (details: unknown) => {
  try {
    Context.current().heartbeat(details);
  } catch {
    // called outside an activity (tests)
  }
};

/** Activities of a dedicated site's web servers (cmp-orchestration). */
export function createSiteMemberActivities(settings: SitesSettings | undefined, opts: MemberActivityOptions = {}) {
  const activeWithinMs = opts.activeWithinMs ?? 120_000;
  const pollMs = opts.pollMs ?? 500;

  /** The simulator's data-plane address of a server, polled until the server is ACTIVE there. */
  async function dataPlaneAddress(origin: string, serverId: string): Promise<string> {
    const deadline = Date.now() + activeWithinMs;
    for (let attempt = 0; ; attempt++) {
      heartbeat({ serverId, attempt });
      const r = await fetch(`${origin}/sim-admin/data-plane/servers/${encodeURIComponent(serverId)}`).catch(
        (e: Error) => {
          throw ApplicationFailure.retryable(`the simulator at ${origin} cannot be reached: ${e.message}`);
        },
      );
      const body = (await r.json().catch(() => null)) as { address?: string; error?: { message?: string } } | null;
      if (r.ok && body?.address) return body.address;
      if (r.status !== 404)
        throw ApplicationFailure.retryable(`the simulator answered ${r.status} for server ${serverId}'s address`);
      if (Date.now() > deadline)
        throw ApplicationFailure.retryable(
          `server ${serverId} has no data-plane address within ${activeWithinMs / 1000} s: ${body?.error?.message ?? 'not ACTIVE'}`,
          'SiteMemberNotActive',
        );
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** The cloud must be the simulator with its data plane (GET /sim-admin/data-plane answers its block). */
  async function simulatorOrigin(): Promise<string> {
    if (!opts.authUrl)
      throw ApplicationFailure.nonRetryable('no cloud is configured for the web servers', 'NotConfigured');
    const origin = new URL(opts.authUrl).origin;
    const r = await fetch(`${origin}/sim-admin/data-plane`).catch((e: Error) => {
      throw ApplicationFailure.retryable(`the cloud at ${origin} cannot be reached: ${e.message}`);
    });
    const body = (await r.json().catch(() => null)) as { block?: unknown; error?: { message?: string } } | null;
    if (r.ok && typeof body?.block === 'string') return origin;
    const why =
      r.status === 404 && body?.error?.message?.includes('data plane')
        ? 'the simulator runs without its data plane (SIM_DATA_PLANE)'
        : 'the cloud is not the simulator';
    throw ApplicationFailure.nonRetryable(
      `SITES_MEMBER_DRIVER=local needs the simulator's data plane to reach the web servers at ${origin}: ${why}; ` +
        'on a real cloud use SITES_MEMBER_DRIVER=ssh',
      'SiteMembersUnreachable',
    );
  }

  /** The simulator's proxy of a listener, polled until it listens. */
  async function listenerEndpoint(origin: string, listenerId: string): Promise<{ address: string; port: number }> {
    const deadline = Date.now() + activeWithinMs;
    for (let attempt = 0; ; attempt++) {
      heartbeat({ listenerId, attempt });
      const r = await fetch(`${origin}/sim-admin/data-plane/listeners/${encodeURIComponent(listenerId)}`).catch(
        (e: Error) => {
          throw ApplicationFailure.retryable(`the simulator at ${origin} cannot be reached: ${e.message}`);
        },
      );
      const body = (await r.json().catch(() => null)) as {
        listening?: boolean;
        address?: string;
        port?: number;
      } | null;
      if (r.ok && body?.listening && body.address && body.port) return { address: body.address, port: body.port };
      if (!r.ok && r.status !== 404)
        throw ApplicationFailure.retryable(`the simulator answered ${r.status} for listener ${listenerId}`);
      if (Date.now() > deadline)
        throw ApplicationFailure.retryable(
          `listener ${listenerId} does not listen on the data plane within ${activeWithinMs / 1000} s`,
          'SiteListenerNotListening',
        );
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    /**
     * Where the host agent reaches each web server: with the ssh driver its fixed IP; with the local driver (the
     * embedded default) its loopback address on the simulator's data plane, once the server is ACTIVE.
     */
    async resolveSiteMembers({
      servers,
    }: {
      servers: Array<{ serverId: string; fixedIp: string }>;
    }): Promise<DedicatedMember[]> {
      if (!settings) throw ApplicationFailure.nonRetryable('web hosting is not configured', 'NotConfigured');
      if (settings.memberDriver === 'ssh')
        return servers.map((s) => ({ serverId: s.serverId, fixedIp: s.fixedIp, agentAddress: s.fixedIp }));
      const origin = await simulatorOrigin();
      const members: DedicatedMember[] = [];
      for (const s of servers)
        members.push({
          serverId: s.serverId,
          fixedIp: s.fixedIp,
          agentAddress: await dataPlaneAddress(origin, s.serverId),
        });
      return members;
    },

    /**
     * Where the site's listener answers: with the ssh driver the floating IP at the listener's port; with the local
     * driver the simulator's proxy of the listener on its data plane, once it listens.
     */
    async resolveSiteListener({
      listenerId,
      floatingIp,
      port,
    }: {
      listenerId: string | null;
      floatingIp: string | null;
      port: number;
    }): Promise<{ address: string; port: number }> {
      if (!settings) throw ApplicationFailure.nonRetryable('web hosting is not configured', 'NotConfigured');
      if (settings.memberDriver === 'ssh') {
        if (!floatingIp) throw ApplicationFailure.nonRetryable('the load balancer has no floating IP', 'NoEndpoint');
        return { address: floatingIp, port };
      }
      if (!listenerId) throw ApplicationFailure.nonRetryable('the load balancer has no listener', 'NoEndpoint');
      return listenerEndpoint(await simulatorOrigin(), listenerId);
    },
  };
}

export type MemberActivities = ReturnType<typeof createSiteMemberActivities>;
