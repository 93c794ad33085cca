import { eventually, startOrderRig, type OrderRig } from '../orders/support';

describe('order auto-approval follows the run-time settings over the environment', () => {
  let rig: OrderRig;
  let root: string;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '1' } });
    root = await rig.p.adminToken();
  });
  afterAll(async () => rig?.close());

  const orderIp = async (token: string) => {
    const r = await rig.p.call('POST', '/api/v1/orders', {
      token,
      body: { items: [{ kind: 'floating_ip', name: 'ip' }] },
    });
    expect([r.status, r.body.monthlyPrice]).toEqual([201, 3]);
    return r.body.id as string;
  };
  const settled = (id: string, token: string, states: string[]) =>
    eventually(
      () => rig.p.call('GET', `/api/v1/orders/${id}`, { token }),
      (r) => states.includes(r.body.status),
    );

  it('the environment default (1) leaves a 3-a-month order to an operator; the setting (5) approves it; null turns the rule off', async () => {
    const user = await rig.p.tenantUser();
    const first = await settled(await orderIp(user.token), user.token, ['pending_approval', 'delivered']);
    expect(first.body.status).toBe('pending_approval');

    const set = await rig.p.call('PATCH', '/api/v1/settings', { token: root, body: { orderAutoApproveMaxMonthly: 5 } });
    expect(set.body.orderAutoApproveMaxMonthly).toMatchObject({ value: 5, default: 1 });
    const second = await settled(await orderIp(user.token), user.token, ['delivered', 'failed']);
    expect(second.body.status).toBe('delivered');
    expect(second.body.decisionReason).toMatch(/auto-approved: monthly price 3 within 5/);

    const off = await rig.p.call('PATCH', '/api/v1/settings', {
      token: root,
      body: { orderAutoApproveMaxMonthly: null },
    });
    expect([off.status, off.body.orderAutoApproveMaxMonthly?.value, off.body.message]).toEqual([200, null, undefined]);
    const third = await settled(await orderIp(user.token), user.token, ['pending_approval', 'delivered']);
    expect(third.body.status).toBe('pending_approval');
  });
});
