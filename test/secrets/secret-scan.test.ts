import { Client, WorkflowFailedError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { processKeyring } from '../../domain/secrets/config-keys';
import { EncryptionCodec } from '../../workers/data-converter';
import { CloudResource, OrderItem } from '../../domain/entities';
import { instanceWorkflowId } from '../../workflows/instance-action';
import { orderWorkflowId } from '../../workflows/order';
import { resourceWorkflowId } from '../../workflows/resource-operation';
import { eventually, startOrderRig, type OrderRig } from '../orders/support';

const adminPass = 'Scan-admin-Pass-91';
const newPassword = 'Scan-new-Pass-72';

/** Every byte string and text of a value (payload data is bytes), as text, for a plain substring search. */
function texts(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

/** The payloads of a history (anything with metadata and data bytes). */
function payloads(v: unknown, out: Payload[] = []): Payload[] {
  if (!v || typeof v !== 'object' || v instanceof Uint8Array) return out;
  const p = v as Payload;
  if (p.metadata && p.data instanceof Uint8Array) out.push(p);
  else for (const x of Object.values(v)) payloads(x, out);
  return out;
}

/** A history's payloads opened with the platform's codec. */
async function decodedHistory(client: Client, id: string): Promise<Payload[]> {
  return new EncryptionCodec(processKeyring()).decode(payloads(await client.workflow.getHandle(id).fetchHistory()));
}

function encodings(history: { events?: unknown[] | null }): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const md = (v as { metadata?: Record<string, Uint8Array> }).metadata;
    if (md?.encoding instanceof Uint8Array) found.add(Buffer.from(md.encoding).toString('utf8'));
    for (const x of Object.values(v)) walk(x);
  };
  // The Temporal core's own bookkeeping is plain JSON the codec never sees: a patch's marker and its
  // TemporalChangeVersion search attribute (the patch's name), and a local activity's marker data (sequence
  // number, attempt, times) beside its result, which does pass the codec. The secret scan reads them too.
  const core = new Set(['patch-data', 'TemporalChangeVersion']);
  const outsideCore = (v: unknown, localActivity = false): unknown =>
    !v || typeof v !== 'object' || v instanceof Uint8Array
      ? v
      : Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !core.has(k) && !(localActivity && k === 'data'))
            .map(([k, x]) => [k, outsideCore(x, k === 'details' && localActivity)]),
        );
  for (const e of history.events ?? []) {
    const marker = (e as { markerRecordedEventAttributes?: { markerName?: string } }).markerRecordedEventAttributes;
    walk(
      marker?.markerName === 'core_local_activity'
        ? { ...(e as object), markerRecordedEventAttributes: outsideCore(marker, true) }
        : outsideCore(e),
    );
  }
  return found;
}

describe('no secret in Temporal history or the business database (adminPass, set_password, console token)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { ORDER_AUTO_APPROVE_TRUSTED: 'false' } });
  });
  afterAll(async () => rig?.close());

  it('keeps them sealed in raw history (read without the codec) and in raw rows, and readable through the platform', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [{ kind: 'server', name: 'scan-1', flavorId: rig.flavorId, imageId: rig.imageId, adminPass }],
      },
    });
    expect(submit.status).toBe(201);
    const orderId = submit.body.id as string;
    await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    expect(
      (await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } })).status,
    ).toBe(200);
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60_000,
    );
    expect(done.body.status).toBe('delivered');
    const instances = await p.call('GET', '/api/v1/instances', { token: user.token });
    const vm = instances.body.items.find((i: { name: string }) => i.name === 'scan-1');
    expect(vm).toBeTruthy();

    const pw = await p.call('POST', `/api/v1/instances/${vm.id}/actions`, {
      token: user.token,
      body: { action: 'set_password', password: newPassword },
    });
    expect(pw.status).toBe(202);
    await eventually(
      () => p.call('GET', `/api/v1/instances/${vm.id}/actions`, { token: user.token }),
      (r) =>
        r.body.history?.some((a: { id: string; status: string }) => a.id === pw.body.id && a.status === 'succeeded'),
    );
    const console = await p.call('POST', `/api/v1/instances/${vm.id}/console`, { token: user.token, body: {} });
    expect(console.status).toBe(200);
    const consoleToken = /token=([^&]+)/.exec(decodeURIComponent(console.body.url))![1];
    expect(consoleToken.length).toBeGreaterThan(8);
    const secrets = [adminPass, newPassword, consoleToken];

    // Temporal, as anyone with access to the server (or the UI without the codec) reads it.
    const raw = new Client({ connection: p.temporal.client.connection, namespace: 'default' });
    const ids = [orderWorkflowId(orderId), `provision-${done.body.items[0].id}`, instanceWorkflowId(vm.id)];
    let decoded = '';
    for (const id of ids) {
      const history = await raw.workflow.getHandle(id).fetchHistory();
      const text = texts(history).join('\n');
      for (const s of secrets) expect({ id, found: text.includes(s) ? s : null }).toEqual({ id, found: null });
      expect([...encodings(history)]).toEqual(['binary/encrypted']);
      // The same history through the platform's codec holds them: the scan looked where they travel.
      decoded += texts(await decodedHistory(raw, id)).join('\n');
    }
    for (const s of [adminPass, newPassword]) expect(decoded).toContain(s);

    // The business database, every table, row by row.
    const conn = p.db.orm.em.getConnection();
    let rows = 0;
    for (const meta of Object.values(p.db.orm.getMetadata().getAll())) {
      if (!meta.tableName || meta.embeddable || meta.virtual) continue;
      const found = (await conn.execute(`select * from ${meta.tableName}`)) as unknown[];
      rows += found.length;
      const text = JSON.stringify(found);
      for (const s of secrets)
        expect({ table: meta.tableName, found: text.includes(s) ? s : null }).toEqual({
          table: meta.tableName,
          found: null,
        });
    }
    expect(rows).toBeGreaterThan(10);
    // Through the ORM the order item still knows its adminPass (sealed at rest, not lost).
    const item = await p.db.orm.em.fork().findOneOrFail(OrderItem, { orderId });
    expect((item.spec as { adminPass?: string }).adminPass).toBe(adminPass);
  });

  it("seals a failed activity's message and stack in raw history; the platform's client reads them", async () => {
    const { p, sim } = rig;
    const user = await p.tenantUser();
    // Neutron refuses the creation once (400, not retried): the activity fails, then the workflow with it.
    sim.cloud.faults.add({ method: 'POST', path: '^/network/v2.0/networks$', status: 400, remaining: 1 });
    const name = `fail-net-${Date.now()}`;
    const r = await p.call('POST', '/api/v1/networks', { token: user.token, body: { name } });
    // The API shows the failure's message, read through its client (codec and failure converter).
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('(injected)');
    const resource = await p.db.orm.em.fork().findOneOrFail(CloudResource, { name, tenantId: user.tenantId });

    const raw = new Client({ connection: p.temporal.client.connection, namespace: 'default' });
    const history = await raw.workflow.getHandle(resourceWorkflowId(resource.id)).fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThan(0);
    const text = texts(history).join('\n');
    expect(text).not.toContain('(injected)');
    expect(text).not.toContain('.ts:'); // no stack trace with source positions
    expect(failed[0].activityTaskFailedEventAttributes!.failure!.message).toBe('Encoded failure');
    expect([...encodings(history)]).toEqual(['binary/encrypted']);

    const seen = await p.temporal.client.workflow
      .getHandle(resourceWorkflowId(resource.id))
      .result()
      .catch((e: unknown) => e);
    expect(seen).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let e = seen as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
      messages.push(e.message ?? '');
    expect(messages.join(' | ')).toContain('(injected)');
  });
});
