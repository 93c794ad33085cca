import { Hono } from 'hono';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { CloudResource, Tenant } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import { allowedActions, type ServerActionRequest } from '../../domain/operate/server-actions';
import type { Schemas } from '../../openapi/types';
import {
  consoleUpdate,
  instanceOpsWorkflow,
  instanceProgressQuery,
  instanceWorkflowId,
  requestActionUpdate,
  type ActionRecord,
  type InstanceOpsProgress,
} from '../../workflows/instance-action';
import { conflict } from '../lib/api-error';
import { instanceActionBody, instanceActionRequest, type InstanceActionBody } from '../services/instance-requests';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { tenantFilter, updateRejection, visibleResource } from '../lib/resource-access';
import { requestBody } from '../lib/request-schemas';

const listQuery = pageQuery
  .extend({
    tenantId: z.string().uuid().optional(),
    status: z.enum(['provisioning', 'active', 'error', 'deleting', 'missing']).optional(),
  })
  .strict();
const consoleBody = z.object({ type: z.enum(['novnc', 'xvpvnc', 'spice-html5']).default('novnc') }).strict();

type Flavor = {
  id?: string | null;
  name?: string | null;
  vcpus?: number | null;
  ram?: number | null;
  disk?: number | null;
};

/** A server's addresses per network, each with its IP version (records written at provisioning carry none). */
function addressesView(value: unknown): Schemas['OperateInstance']['addresses'] {
  const out: Schemas['OperateInstance']['addresses'] = {};
  for (const [net, list] of Object.entries((value ?? {}) as Record<string, Array<Record<string, unknown>>>))
    out[net] = (Array.isArray(list) ? list : []).map((x) => ({
      addr: String(x.addr),
      version: typeof x.version === 'number' ? x.version : String(x.addr).includes(':') ? 6 : 4,
      type: typeof x.type === 'string' ? x.type : null,
      mac: typeof x.mac === 'string' ? x.mac : null,
    }));
  return out;
}

function instanceView(r: CloudResource, showHost: boolean): Schemas['OperateInstance'] {
  const a = r.attributes as Record<string, unknown>;
  const flavor = (a.flavor ?? {}) as Flavor;
  return {
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    openstackId: r.openstackId ?? null,
    status: r.status,
    osStatus: r.osStatus ?? null,
    taskState: (a.taskState as string | null) ?? null,
    powerState: (a.powerState as number | null) ?? null,
    flavor: { id: flavor.id ?? null, name: flavor.name ?? null },
    vcpus: flavor.vcpus ?? null,
    ramMb: flavor.ram ?? null,
    diskGb: flavor.disk ?? null,
    imageId: (a.imageId as string | null) ?? null,
    host: showHost ? ((a.host as string | null) ?? null) : null,
    addresses: addressesView(a.addresses),
    securityGroupIds: (a.securityGroupIds as string[] | undefined) ?? [],
    catalogFlavorId: ((r.spec as { flavorId?: string }).flavorId as string | undefined) ?? null,
    allowedActions:
      r.status === 'deleted' || !r.osStatus
        ? []
        : allowedActions({ status: r.osStatus, taskState: a.taskState as string | null }),
    orderId: r.orderId ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The server's process, started when it is not running (USE_EXISTING makes concurrent starts share one). */
async function serverProcess(c: Ctx, r: CloudResource) {
  if (!r.openstackId)
    throw conflict(`the server is ${r.status} and not yet created in OpenStack`, { status: r.status });
  const deps = c.get('deps');
  return deps.temporal.workflow.start(instanceOpsWorkflow, {
    workflowId: instanceWorkflowId(r.id),
    taskQueue: deps.queues.orchestration,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [
      {
        resourceId: r.id,
        tenantId: r.tenantId,
        serverId: r.openstackId,
        projectId: (await c.get('em').findOne(Tenant, { id: r.tenantId }))?.openstackProjectId ?? null,
        idleTimeoutMs: deps.config.INSTANCE_WORKFLOW_IDLE_SECONDS * 1000,
        resizeConfirmMs: deps.config.INSTANCE_RESIZE_CONFIRM_SECONDS * 1000,
        actionsPerRun: deps.config.INSTANCE_WORKFLOW_ACTIONS_PER_RUN,
      },
    ],
  });
}

/** Sends an Update, starting the process again once if it ended (idle) between start and update. */
async function update<T>(
  c: Ctx,
  r: CloudResource,
  send: (h: Awaited<ReturnType<typeof serverProcess>>) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const handle = await serverProcess(c, r);
    try {
      return await send(handle);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError && attempt === 0) continue;
      throw updateRejection(e);
    }
  }
}

async function progressOf(client: Client, r: CloudResource): Promise<InstanceOpsProgress> {
  try {
    return withEndedActions(await client.workflow.getHandle(instanceWorkflowId(r.id)).query(instanceProgressQuery), r);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError)
      return withEndedActions(
        { resourceId: r.id, serverId: r.openstackId ?? '', state: 'idle', current: null, history: [] },
        r,
      );
    throw e;
  }
}

/**
 * The workflow's progress with the actions the reconciler ended after their workflow was terminated (kept on the
 * record): such an action is no longer current, and is listed failed among the finished ones, newest first.
 */
function withEndedActions(p: InstanceOpsProgress, r: CloudResource): InstanceOpsProgress {
  const ended = (r.spec as { endedActions?: ActionRecord[] }).endedActions ?? [];
  if (!ended.length) return p;
  const endedIds = new Set(ended.map((a) => a.id));
  const current = p.current && endedIds.has(p.current.id) ? null : p.current;
  const history = [...ended.filter((a) => !p.history.some((h) => h.id === a.id)), ...p.history].sort((a, b) =>
    (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''),
  );
  return { ...p, current, state: p.state === 'busy' && !current ? 'idle' : p.state, history };
}

export const instancesRouter = new Hono<AppEnv>();
instancesRouter.use('*', requireAuth);

instancesRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const where = {
    kind: 'server' as const,
    ...tenantFilter(c, q.tenantId),
    ...(q.status ? { status: q.status } : { status: { $ne: 'deleted' as const } }),
  };
  const [items, total] = await c
    .get('em')
    .findAndCount(CloudResource, where, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
  const showHost = can(principalOf(c), 'hosts:read');
  return c.json(
    page(
      items.map((r) => instanceView(r, showHost)),
      total,
      q,
    ),
  );
});

instancesRouter.get('/:instanceId', async (c) => {
  const r = await visibleResource(c, 'server', 'instanceId', 'read', 'instance');
  return c.json(instanceView(r, can(principalOf(c), 'hosts:read')));
});

/** Asks the server's process for an action: 202 with the accepted action, or 409 with the reason. */
export async function requestInstanceAction(c: Ctx, r: CloudResource, request: ServerActionRequest) {
  c.set('audit', {
    action: `instance.${request.action}`,
    targetType: 'instance',
    targetId: r.id,
    tenantId: r.tenantId,
    details: request.action === 'set_password' ? {} : { ...request, requestedBy: undefined },
  });
  const record = await update(c, r, (h) =>
    h.executeUpdate(requestActionUpdate, { args: [{ ...request, requestedBy: principalOf(c).userId }] }),
  );
  return c.json(record as Schemas['OperateInstanceAction'], 202);
}

requestBody('POST /api/v1/instances/{instanceId}/actions', instanceActionBody);
instancesRouter.post('/:instanceId/actions', async (c) => {
  const r = await visibleResource(c, 'server', 'instanceId', 'operate', 'instance');
  const body = (await jsonBody(c, instanceActionBody)) as InstanceActionBody;
  return requestInstanceAction(c, r, await instanceActionRequest(c, r, body));
});

instancesRouter.delete('/:instanceId', async (c) =>
  requestInstanceAction(c, await visibleResource(c, 'server', 'instanceId', 'operate', 'instance'), {
    action: 'delete',
  }),
);

instancesRouter.get('/:instanceId/actions', async (c) => {
  const r = await visibleResource(c, 'server', 'instanceId', 'read', 'instance', { deleted: true });
  return c.json((await progressOf(c.get('deps').temporal, r)) as Schemas['OperateInstanceProgress']);
});

requestBody('POST /api/v1/instances/{instanceId}/console', consoleBody);
instancesRouter.post('/:instanceId/console', async (c) => {
  const r = await visibleResource(c, 'server', 'instanceId', 'operate', 'instance');
  const body = await jsonBody(c, consoleBody);
  c.set('audit', {
    action: 'instance.console',
    targetType: 'instance',
    targetId: r.id,
    tenantId: r.tenantId,
    details: { type: body.type },
  });
  const info = await update(c, r, (h) => h.executeUpdate(consoleUpdate, { args: [{ type: body.type }] }));
  return c.json(info as Schemas['OperateConsole']);
});
