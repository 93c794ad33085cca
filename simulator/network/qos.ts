import { neutronError } from '../core/errors';
import { optBool, optInt, optString, resourceBody } from './body';
import { badRequest, notFound } from './errors';
import type { BandwidthLimitRule, Caller, QosPolicyRecord } from './model';
import type { NetworkStore } from './store';

const policyAttrs = ['name', 'description', 'shared', 'is_default', 'project_id', 'tenant_id', 'tags'] as const;
const ruleAttrs = ['max_kbps', 'max_burst_kbps', 'direction'] as const;

export function renderRule(policy: QosPolicyRecord, r: BandwidthLimitRule): Record<string, unknown> {
  return { ...r, type: 'bandwidth_limit', qos_policy_id: policy.id };
}

export function renderPolicy(policy: QosPolicyRecord): Record<string, unknown> {
  const { bandwidth_limit_rules, ...rest } = policy;
  return { ...rest, rules: bandwidth_limit_rules.map((r) => renderRule(policy, r)) };
}

export function createQosPolicy(store: NetworkStore, caller: Caller, raw: unknown): QosPolicyRecord {
  const b = resourceBody(raw, 'policy', policyAttrs);
  optString(b, 'name');
  const policy: QosPolicyRecord = {
    ...store.base(caller, b),
    shared: optBool(b, 'shared') ?? false,
    is_default: optBool(b, 'is_default') ?? false,
    bandwidth_limit_rules: [],
  };
  store.qosPolicies.set(policy.id, policy);
  return policy;
}

export function updateQosPolicy(store: NetworkStore, caller: Caller, id: string, raw: unknown): QosPolicyRecord {
  const policy = store.getOwned(store.qosPolicies, 'QosPolicy', caller, id);
  const b = resourceBody(raw, 'policy', ['name', 'description', 'shared', 'is_default']);
  policy.name = optString(b, 'name') ?? policy.name;
  policy.description = optString(b, 'description') ?? policy.description;
  policy.shared = optBool(b, 'shared') ?? policy.shared;
  policy.is_default = optBool(b, 'is_default') ?? policy.is_default;
  store.touch(policy);
  return policy;
}

export function deleteQosPolicy(store: NetworkStore, caller: Caller, id: string): void {
  store.getOwned(store.qosPolicies, 'QosPolicy', caller, id);
  const port = [...store.ports.values()].find((p) => p.qos_policy_id === id);
  const net = [...store.networks.values()].find((n) => n.qos_policy_id === id);
  if (port || net) {
    const [kind, objId] = port ? ['port', port.id] : ['network', net!.id];
    throw neutronError(409, 'QosPolicyInUse', `QoS Policy ${id} is used by ${kind} ${objId}.`);
  }
  store.qosPolicies.delete(id);
}

function parseRule(raw: unknown, partial: boolean): Partial<BandwidthLimitRule> {
  const b = resourceBody(raw, 'bandwidth_limit_rule', ruleAttrs);
  const maxKbps = optInt(b, 'max_kbps', 0, 2147483647);
  if (!partial && maxKbps === undefined)
    throw badRequest("Failed to parse request. Required attribute 'max_kbps' not specified");
  const direction = b.direction;
  if (direction !== undefined && direction !== 'egress' && direction !== 'ingress') {
    throw badRequest(`Invalid input for direction. Reason: '${String(direction)}' is not in ['egress', 'ingress'].`);
  }
  return {
    max_kbps: maxKbps,
    max_burst_kbps: optInt(b, 'max_burst_kbps', 0, 2147483647),
    direction: direction as BandwidthLimitRule['direction'] | undefined,
  };
}

export function getRule(
  store: NetworkStore,
  caller: Caller,
  policyId: string,
  ruleId: string,
): [QosPolicyRecord, BandwidthLimitRule] {
  const policy = store.get(store.qosPolicies, 'QosPolicy', caller, policyId);
  const rule = policy.bandwidth_limit_rules.find((r) => r.id === ruleId);
  if (!rule)
    throw neutronError(404, 'QosRuleNotFound', `QoS rule ${ruleId} for policy ${policyId} could not be found.`);
  return [policy, rule];
}

export function createBandwidthRule(
  store: NetworkStore,
  caller: Caller,
  policyId: string,
  raw: unknown,
): [QosPolicyRecord, BandwidthLimitRule] {
  const policy = store.getOwned(store.qosPolicies, 'QosPolicy', caller, policyId);
  const r = parseRule(raw, false);
  const direction = r.direction ?? 'egress';
  if (policy.bandwidth_limit_rules.some((x) => x.direction === direction)) {
    throw neutronError(
      409,
      'QoSRulesConflict',
      `Rule bandwidth_limit with direction ${direction} already exists in QoS policy ${policyId}.`,
    );
  }
  const rule: BandwidthLimitRule = {
    id: store.cloud.newId(),
    max_kbps: r.max_kbps!,
    max_burst_kbps: r.max_burst_kbps ?? 0,
    direction,
  };
  policy.bandwidth_limit_rules.push(rule);
  store.touch(policy);
  return [policy, rule];
}

export function updateBandwidthRule(
  store: NetworkStore,
  caller: Caller,
  policyId: string,
  ruleId: string,
  raw: unknown,
): [QosPolicyRecord, BandwidthLimitRule] {
  if (!store.qosPolicies.get(policyId) || !store.canModify(caller, store.qosPolicies.get(policyId)!))
    throw notFound('QosPolicy', policyId);
  const [policy, rule] = getRule(store, caller, policyId, ruleId);
  const r = parseRule(raw, true);
  if (r.max_kbps !== undefined) rule.max_kbps = r.max_kbps;
  if (r.max_burst_kbps !== undefined) rule.max_burst_kbps = r.max_burst_kbps;
  if (r.direction !== undefined) rule.direction = r.direction;
  store.touch(policy);
  return [policy, rule];
}

export function deleteBandwidthRule(store: NetworkStore, caller: Caller, policyId: string, ruleId: string): void {
  if (!store.qosPolicies.get(policyId) || !store.canModify(caller, store.qosPolicies.get(policyId)!))
    throw notFound('QosPolicy', policyId);
  const [policy] = getRule(store, caller, policyId, ruleId);
  policy.bandwidth_limit_rules = policy.bandwidth_limit_rules.filter((r) => r.id !== ruleId);
  store.touch(policy);
}
