import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import {
  createBandwidthRule,
  createQosPolicy,
  deleteBandwidthRule,
  deleteQosPolicy,
  getRule,
  renderPolicy,
  renderRule,
  updateBandwidthRule,
  updateQosPolicy,
} from '../qos';
import type { QosPolicyRecord } from '../model';
import { listBody } from '../query';
import type { NetworkStore } from '../store';
import { callerOf, jsonBody, mountCrud, selfUrl } from './http';

/** `/v2.0/qos/policies` and their `bandwidth_limit_rules`, plus the rule-types listing. */
export function qosRoutes(s: NetworkStore): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  mountCrud<QosPolicyRecord>(app, {
    path: 'qos/policies',
    collection: 'policies',
    member: 'policy',
    list: (c) => s.visible(c, s.qosPolicies),
    show: (c, id) => s.get(s.qosPolicies, 'QosPolicy', c, id),
    create: (c, b) => createQosPolicy(s, c, b),
    update: (c, id, b) => updateQosPolicy(s, c, id, b),
    remove: (c, id) => deleteQosPolicy(s, c, id),
    render: renderPolicy,
  });
  const rules = '/v2.0/qos/policies/:policy/bandwidth_limit_rules';
  app.get(rules, (c) => {
    const policy = s.get(s.qosPolicies, 'QosPolicy', callerOf(c), c.req.param('policy'));
    const items = policy.bandwidth_limit_rules.map((r) => renderRule(policy, r)) as Array<{ id: string }>;
    return c.json(
      listBody(
        'bandwidth_limit_rules',
        items,
        c.req.queries(),
        selfUrl(c, `qos/policies/${policy.id}/bandwidth_limit_rules`),
      ),
    );
  });
  app.post(rules, async (c) => {
    const [policy, rule] = createBandwidthRule(s, callerOf(c), c.req.param('policy'), await jsonBody(c));
    return c.json({ bandwidth_limit_rule: renderRule(policy, rule) }, 201);
  });
  app.get(`${rules}/:rule`, (c) => {
    const [policy, rule] = getRule(s, callerOf(c), c.req.param('policy'), c.req.param('rule'));
    return c.json({ bandwidth_limit_rule: renderRule(policy, rule) });
  });
  app.put(`${rules}/:rule`, async (c) => {
    const [policy, rule] = updateBandwidthRule(
      s,
      callerOf(c),
      c.req.param('policy'),
      c.req.param('rule'),
      await jsonBody(c),
    );
    return c.json({ bandwidth_limit_rule: renderRule(policy, rule) });
  });
  app.delete(`${rules}/:rule`, (c) => {
    deleteBandwidthRule(s, callerOf(c), c.req.param('policy'), c.req.param('rule'));
    return c.body(null, 204);
  });
  app.get('/v2.0/qos/rule-types', (c) => c.json({ rule_types: [{ type: 'bandwidth_limit' }] }));
  return app;
}
