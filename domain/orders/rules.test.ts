import { autoApprovalReason } from './auto-approval';
import { composeUserData, userDataProblem } from './cloud-init';
import { itemPrice, itemQuotaNeeds, type ServerItemSpec } from './items';
import { canTransition, isCancellable, refusal, sourcesOf } from './state-machine';
import type { PricedProduct } from '../catalog/products';
import { effectiveLimits, quotaExcesses } from '../quota/arithmetic';
import { builtinQuotaDefaults, zeroAmounts } from '../quota/resources';

const product = (
  kind: PricedProduct['kind'],
  hourly: number,
  monthly: number,
  flavor?: PricedProduct['flavor'],
): PricedProduct => ({
  id: kind,
  kind,
  name: kind,
  status: 'active',
  hourlyPrice: hourly,
  monthlyPrice: monthly,
  flavor,
});
const flavor = product('flavor', 0.05, 30, { vcpus: 2, ramMb: 2048, diskGb: 10, bandwidthMbps: 100 });
const server: ServerItemSpec = {
  kind: 'server',
  name: 'vm',
  flavorId: 'f',
  imageId: 'i',
  bootVolumeGb: 20,
  volumes: [{ sizeGb: 10 }, { sizeGb: 5 }],
  floatingIp: true,
};

describe('order items', () => {
  it('price a server with its volumes (per GB) and floating IP', () => {
    const p = itemPrice(server, {
      flavor,
      volume: product('volume', 0.0002, 0.1),
      floatingIp: product('floating_ip', 0.005, 3),
    });
    expect(p).toEqual({ hourly: 0.05 + 35 * 0.0002 + 0.005, monthly: 30 + 3.5 + 3 });
  });

  it('count what a server needs from the quota, boot volume included', () => {
    expect(itemQuotaNeeds(server, flavor.flavor)).toEqual({
      ...zeroAmounts(),
      instances: 1,
      vcpus: 2,
      ramMb: 2048,
      volumes: 3,
      gigabytes: 35,
      floatingIps: 1,
    });
    expect(itemQuotaNeeds({ kind: 'network', name: 'n', cidr: '10.0.0.0/24', withRouter: true })).toMatchObject({
      networks: 1,
      routers: 1,
    });
  });
});

describe('quota arithmetic', () => {
  it('names every resource a request pushes over its limit; -1 is unlimited', () => {
    const limits = effectiveLimits({ vcpus: 4, ramMb: -1 }, builtinQuotaDefaults);
    const used = { ...zeroAmounts(), vcpus: 2 };
    const reserved = { ...zeroAmounts(), vcpus: 1 };
    const need = { ...zeroAmounts(), vcpus: 2, ramMb: 10_000_000, instances: 1 };
    expect(quotaExcesses(limits, used, reserved, need)).toEqual([
      { resource: 'vcpus', limit: 4, used: 2, reserved: 1, requested: 2 },
    ]);
    expect(quotaExcesses(limits, used, reserved, { ...need, vcpus: 1 })).toEqual([]);
  });
});

describe('order state machine', () => {
  it('allows cancelling only before approval and explains refusals', () => {
    expect(isCancellable('pending_approval')).toBe(true);
    expect(isCancellable('approved')).toBe(false);
    expect(refusal('pending_approval', 'approve')).toBeNull();
    expect(refusal('delivered', 'approve')).toMatch(/order is delivered/);
    expect(refusal('provisioning', 'cancel')).toMatch(/order is provisioning/);
    expect(canTransition('delivered', 'failed')).toBe(false);
    // An order waiting for approval whose workflow is gone is settled as failed by the reconciler.
    expect(canTransition('pending_approval', 'failed')).toBe(true);
    expect(sourcesOf('failed').sort()).toEqual(['approved', 'pending_approval', 'provisioning', 'submitted']);
  });
});

describe('auto-approval rules', () => {
  it('approve trusted tenants and cheap orders when configured', () => {
    expect(
      autoApprovalReason({ trustedTenants: true, maxMonthlyPrice: null }, { tenantTrusted: true, monthlyPrice: 1e6 }),
    ).toMatch(/trusted/);
    expect(
      autoApprovalReason({ trustedTenants: false, maxMonthlyPrice: 50 }, { tenantTrusted: true, monthlyPrice: 51 }),
    ).toBeNull();
    expect(
      autoApprovalReason({ trustedTenants: false, maxMonthlyPrice: 50 }, { tenantTrusted: false, monthlyPrice: 50 }),
    ).toMatch(/within 50/);
  });
});

describe('cloud-init', () => {
  it('writes ordered files with write_files and keeps the user cloud-config', () => {
    const out = composeUserData('#cloud-config\npackages: [nginx]\n', [{ path: '/etc/motd', content: 'hi' }])!;
    expect(out).toContain('write_files:');
    expect(out).toContain(`content: ${Buffer.from('hi').toString('base64')}`);
    expect(out).toContain('packages: [nginx]');
    expect(userDataProblem('#!/bin/sh\necho', [{ path: '/a', content: 'b' }])).toMatch(/cloud-config/);
    expect(composeUserData('#!/bin/sh', undefined)).toBe('#!/bin/sh');
  });
});
