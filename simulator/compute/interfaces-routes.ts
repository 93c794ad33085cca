import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { ServerPort } from './model';
import { badRequest, notFound } from './errors';
import { guard } from './guards';
import { VmState } from './state-map';
import { isUuid, rejectUnknown, requireObject } from './validation';

const INTERFACE_STATES = [VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED];

/** /servers/{id}/os-interface: ports attached after boot, through the network module. */
export function interfacesRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const server = (c: ComputeContext) => svc.store.visibleServer(c.req.param('id')!, c.get('auth'));
  const view = (c: ComputeContext, p: ServerPort) => {
    const v = svc.networking.interfaceView(p) as Record<string, unknown>;
    if (c.get('mv') < 70) delete v.tag;
    return v;
  };

  app.get('/servers/:id/os-interface', (c) => {
    const s = server(c);
    return c.json({ interfaceAttachments: s.ports.map((p) => view(c, p)) });
  });
  app.get('/servers/:id/os-interface/:port', (c) => {
    const s = server(c);
    const p = s.ports.find((x) => x.portId === c.req.param('port'));
    if (!p) throw notFound(`Port ${c.req.param('port')} is not attached`);
    return c.json({ interfaceAttachment: view(c, p) });
  });
  app.post('/servers/:id/os-interface', async (c) => {
    const s = server(c);
    const b = requireObject(await readJsonBody(c, badRequest), 'interfaceAttachment');
    rejectUnknown(
      b,
      new Set(['net_id', 'port_id', 'fixed_ips', ...(c.get('mv') >= 49 ? ['tag'] : [])]),
      'interfaceAttachment',
    );
    if (b.net_id !== undefined && b.port_id !== undefined)
      throw badRequest('Must not input both network_id and port_id');
    if (b.port_id !== undefined && !isUuid(b.port_id))
      throw badRequest(`Invalid input for field/attribute port_id. Value: ${String(b.port_id)}. is not a 'uuid'`);
    guard(c, s, 'attach_interface', INTERFACE_STATES);
    const fixed = Array.isArray(b.fixed_ips)
      ? (b.fixed_ips[0] as { ip_address?: string } | undefined)?.ip_address
      : undefined;
    const nics =
      b.port_id || b.net_id
        ? [
            {
              portId: b.port_id as string | undefined,
              networkId: b.net_id as string | undefined,
              fixedIp: fixed,
              tag: b.tag as string | undefined,
            },
          ]
        : svc.networking.resolveRequests(c.get('auth'), undefined);
    svc.networking.validate(c.get('auth'), nics, notFound);
    const port = svc.networking.attach(c.get('auth'), s, nics[0]);
    s.ports.push(port);
    svc.store.recordAction(s, 'attach_interface', { userId: c.get('auth').userId, requestId: c.get('requestId') });
    return c.json({ interfaceAttachment: view(c, port) });
  });
  app.delete('/servers/:id/os-interface/:port', (c) => {
    const s = server(c);
    const p = s.ports.find((x) => x.portId === c.req.param('port'));
    if (!p) throw notFound(`Port ${c.req.param('port')} is not attached`);
    guard(c, s, 'detach_interface', INTERFACE_STATES);
    svc.networking.detach(s, p.portId);
    s.ports = s.ports.filter((x) => x !== p);
    svc.store.recordAction(s, 'detach_interface', { userId: c.get('auth').userId, requestId: c.get('requestId') });
    return c.body(null, 202);
  });
  return app;
}
