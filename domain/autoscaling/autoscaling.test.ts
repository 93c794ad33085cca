import { clampCapacity, requestedCapacity } from './adjustment';
import { inCooldown } from './cooldown';
import { evaluatePolicies, type PolicyRule } from './policy';
import { membersWithinQuota } from './quota-headroom';
import { currentCapacity, planReconcile, type GroupMember } from './reconcile';
import { changeSettings } from './settings';
import { chooseVictims } from './victims';

describe('requestedCapacity (Heat semantics)', () => {
  it('adds, sets or scales by percent', () => {
    expect(requestedCapacity(3, { type: 'CHANGE_IN_CAPACITY', value: 2 })).toBe(5);
    expect(requestedCapacity(3, { type: 'CHANGE_IN_CAPACITY', value: -1 })).toBe(2);
    expect(requestedCapacity(3, { type: 'EXACT_CAPACITY', value: 7 })).toBe(7);
    expect(requestedCapacity(10, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: 25 })).toBe(12); // 2.5 → 2
    expect(requestedCapacity(10, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: -25 })).toBe(8); // -2.5 → -2
  });
  it('rounds a percentage under one member away from zero, then applies min_adjustment_step', () => {
    expect(requestedCapacity(2, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: 10 })).toBe(3); // 0.2 → 1
    expect(requestedCapacity(2, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: -10 })).toBe(1);
    expect(requestedCapacity(10, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: 10, minAdjustmentStep: 3 })).toBe(13);
    expect(requestedCapacity(10, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: -10, minAdjustmentStep: 3 })).toBe(7);
    expect(requestedCapacity(10, { type: 'PERCENT_CHANGE_IN_CAPACITY', value: 50, minAdjustmentStep: 3 })).toBe(15);
  });
});

describe('clampCapacity', () => {
  it('keeps the size within min and max', () => {
    expect(clampCapacity(3, 9, { min: 1, max: 5 })).toEqual({ capacity: 5, clampedBy: 'max' });
    expect(clampCapacity(3, 0, { min: 1, max: 5 })).toEqual({ capacity: 1, clampedBy: 'min' });
    expect(clampCapacity(3, 4, { min: 1, max: 5 })).toEqual({ capacity: 4 });
  });
  it('never grows past the quota, and never uses the quota to block shrinking', () => {
    expect(clampCapacity(3, 5, { min: 1, max: 10, quotaHeadroom: 1 })).toEqual({ capacity: 4, clampedBy: 'quota' });
    expect(clampCapacity(3, 5, { min: 1, max: 10, quotaHeadroom: 0 })).toEqual({ capacity: 3, clampedBy: 'quota' });
    expect(clampCapacity(3, 2, { min: 1, max: 10, quotaHeadroom: 0 })).toEqual({ capacity: 2 });
    expect(clampCapacity(0, 0, { min: 2, max: 10, quotaHeadroom: 1 })).toEqual({ capacity: 1, clampedBy: 'quota' });
  });
});

describe('membersWithinQuota', () => {
  it('takes the tightest of instances, cores and RAM', () => {
    expect(membersWithinQuota({ instances: 5, cores: 4, ramMb: 100000 }, { vcpus: 2, ramMb: 2048 })).toBe(2);
    expect(membersWithinQuota({ ramMb: 3000 }, { vcpus: 2, ramMb: 2048 })).toBe(1);
    expect(membersWithinQuota({}, { vcpus: 2, ramMb: 2048 })).toBeUndefined();
    expect(membersWithinQuota({ instances: -3 }, { vcpus: 1, ramMb: 1 })).toBe(0);
  });
});

describe('cooldown and victims', () => {
  it('cools down for the given seconds after an action', () => {
    expect(inCooldown(1000, 5, 5999)).toBe(true);
    expect(inCooldown(1000, 5, 6000)).toBe(false);
    expect(inCooldown(null, 5, 0)).toBe(false);
  });
  it('picks the oldest or the newest members', () => {
    const ms = [
      { id: 'b', createdAt: 2 },
      { id: 'a', createdAt: 1 },
      { id: 'c', createdAt: 3 },
    ];
    expect(chooseVictims(ms, 2, 'OLDEST_FIRST').map((m) => m.id)).toEqual(['a', 'b']);
    expect(chooseVictims(ms, 1, 'NEWEST_FIRST').map((m) => m.id)).toEqual(['c']);
    expect(chooseVictims(ms, 0, 'NEWEST_FIRST')).toEqual([]);
  });
});

describe('evaluatePolicies', () => {
  const out: PolicyRule = {
    id: 'out',
    name: 'cpu-high',
    comparison: 'above',
    threshold: 70,
    windowSeconds: 5,
    adjustment: { type: 'CHANGE_IN_CAPACITY', value: 1 },
    cooldownSeconds: 0,
    enabled: true,
  };
  const inn: PolicyRule = {
    id: 'in',
    name: 'cpu-low',
    comparison: 'below',
    threshold: 20,
    windowSeconds: 5,
    adjustment: { type: 'CHANGE_IN_CAPACITY', value: -1 },
    cooldownSeconds: 0,
    enabled: true,
  };
  const base = { current: 2, min: 1, max: 4, groupCooldownSeconds: 10, now: 100_000 };

  it('scales out when the average is above the threshold, in when below', () => {
    expect(evaluatePolicies([out, inn], { ...base, metrics: { 5: 90 } })).toMatchObject({
      action: 'scale_out',
      from: 2,
      to: 3,
      policyId: 'out',
      metric: 90,
    });
    expect(evaluatePolicies([out, inn], { ...base, metrics: { 5: 5 } })).toMatchObject({
      action: 'scale_in',
      from: 2,
      to: 1,
      policyId: 'in',
    });
    expect(evaluatePolicies([out, inn], { ...base, metrics: { 5: 50 } })).toMatchObject({ action: 'none', to: 2 });
    expect(evaluatePolicies([out, inn], { ...base, metrics: {} })).toMatchObject({
      action: 'none',
      reason: 'no metric data',
    });
  });
  it('holds during the group cooldown and the policy cooldown', () => {
    expect(evaluatePolicies([out], { ...base, lastScaleAt: 95_000, metrics: { 5: 90 } })).toMatchObject({
      action: 'none',
      reason: 'group cooldown',
    });
    expect(evaluatePolicies([out], { ...base, lastScaleAt: 80_000, metrics: { 5: 90 } })).toMatchObject({
      action: 'scale_out',
    });
    expect(
      evaluatePolicies([{ ...out, cooldownSeconds: 60, lastActionAt: 80_000 }], { ...base, metrics: { 5: 90 } }),
    ).toMatchObject({ action: 'none', reason: 'policy cooldown' });
  });
  it('clamps to max and quota and says so', () => {
    const big = { ...out, adjustment: { type: 'EXACT_CAPACITY' as const, value: 10 } };
    expect(evaluatePolicies([big], { ...base, metrics: { 5: 90 } })).toMatchObject({
      action: 'scale_out',
      to: 4,
      clampedBy: 'max',
    });
    expect(evaluatePolicies([big], { ...base, quotaHeadroom: 1, metrics: { 5: 90 } })).toMatchObject({
      action: 'scale_out',
      to: 3,
      clampedBy: 'quota',
    });
    expect(evaluatePolicies([out], { ...base, current: 4, metrics: { 5: 90 } })).toMatchObject({
      action: 'none',
      clampedBy: 'max',
    });
    expect(evaluatePolicies([inn], { ...base, current: 1, metrics: { 5: 5 } })).toMatchObject({
      action: 'none',
      clampedBy: 'min',
    });
  });
  it('prefers growth when policies on different windows disagree; ignores disabled ones', () => {
    const slowIn = { ...inn, windowSeconds: 60 };
    expect(evaluatePolicies([slowIn, out], { ...base, metrics: { 5: 95, 60: 10 } })).toMatchObject({
      action: 'scale_out',
    });
    expect(evaluatePolicies([{ ...out, enabled: false }], { ...base, metrics: { 5: 95 } })).toMatchObject({
      action: 'none',
    });
  });
});

describe('planReconcile', () => {
  const m = (id: string, state: GroupMember['state'], createdAt: number): GroupMember => ({ id, state, createdAt });
  it('creates the missing members and replaces members in ERROR', () => {
    const ms = [m('a', 'active', 1), m('b', 'error', 2)];
    expect(currentCapacity(ms)).toBe(1);
    expect(planReconcile(ms, 2, 'OLDEST_FIRST')).toEqual({ create: 1, replace: ['b'], remove: [] });
    expect(planReconcile(ms, 3, 'OLDEST_FIRST')).toEqual({ create: 2, replace: ['b'], remove: [] });
  });
  it('removes victims by strategy, building ones first, and never replaces above desired', () => {
    const ms = [
      m('a', 'active', 1),
      m('b', 'active', 2),
      m('c', 'building', 3),
      m('d', 'error', 4),
      m('e', 'removing', 0),
    ];
    expect(planReconcile(ms, 1, 'OLDEST_FIRST')).toEqual({ create: 0, replace: ['d'], remove: ['c', 'a'] });
    expect(planReconcile(ms, 2, 'NEWEST_FIRST')).toEqual({ create: 0, replace: ['d'], remove: ['c'] });
    expect(planReconcile(ms, 3, 'NEWEST_FIRST')).toEqual({ create: 0, replace: ['d'], remove: [] });
  });
});

describe('changeSettings', () => {
  const s = { name: 'web', minSize: 1, maxSize: 3, desiredCapacity: 2 };
  it('keeps a desired size within the new bounds, naming the bound that moved it', () => {
    expect(changeSettings(s, { maxSize: 5 })).toEqual({ settings: { ...s, maxSize: 5 } });
    expect(changeSettings(s, { minSize: 3 })).toEqual({
      settings: { ...s, minSize: 3, desiredCapacity: 3 },
      clampedBy: 'min',
    });
    expect(changeSettings(s, { maxSize: 1, minSize: 0 })).toEqual({
      settings: { ...s, minSize: 0, maxSize: 1, desiredCapacity: 1 },
      clampedBy: 'max',
    });
    expect(changeSettings(s, { desiredCapacity: 3 })).toEqual({ settings: { ...s, desiredCapacity: 3 } });
  });
  it('refuses bounds that cross', () => {
    expect(changeSettings(s, { minSize: 4 })).toBeNull();
  });
});
