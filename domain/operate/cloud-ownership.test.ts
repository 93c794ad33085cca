import { ownershipOf, usageRefusal } from './cloud-ownership';
import { limitChangeRefusal } from './operator-limits';

const mine = 'p-mine';
const theirs = 'p-theirs';

describe('who may use a cloud object', () => {
  it('reads the owner from each service field', () => {
    expect(ownershipOf('image', { owner: theirs, visibility: 'public' })).toEqual({
      owner: theirs,
      shared: true,
      external: false,
    });
    expect(ownershipOf('image', { owner: theirs, visibility: 'shared' }).shared).toBe(false);
    expect(ownershipOf('volume', { 'os-vol-tenant-attr:tenant_id': mine }).owner).toBe(mine);
    expect(ownershipOf('snapshot', { 'os-extended-snapshot-attributes:project_id': mine }).owner).toBe(mine);
    expect(ownershipOf('network', { tenant_id: theirs, 'router:external': true })).toEqual({
      owner: theirs,
      shared: false,
      external: true,
    });
    expect(ownershipOf('pool', { project_id: mine, shared: true })).toEqual({
      owner: mine,
      shared: true,
      external: false,
    });
  });

  it("answers another project's private object as unknown, whatever the use", () => {
    for (const use of ['use', 'own', 'external'] as const) {
      expect(usageRefusal('network', { owner: theirs, shared: false, external: false }, mine, use)).toMatchObject({
        hidden: true,
      });
      expect(usageRefusal('image', { owner: theirs, shared: false, external: false }, mine, use)).toMatchObject({
        hidden: true,
      });
    }
  });

  it('lets a tenant without a project use only shared objects', () => {
    expect(usageRefusal('image', { owner: theirs, shared: true, external: false }, null, 'use')).toBeNull();
    expect(usageRefusal('network', { owner: null, shared: false, external: false }, null, 'use')).toMatchObject({
      hidden: true,
    });
  });

  it('shares images, networks, subnets and security groups only; pools and listeners stay the owner’s', () => {
    expect(usageRefusal('security_group', { owner: theirs, shared: true, external: false }, mine, 'use')).toBeNull();
    expect(usageRefusal('pool', { owner: theirs, shared: true, external: false }, mine, 'use')).toMatchObject({
      hidden: true,
    });
    expect(usageRefusal('security_group', { owner: theirs, shared: true, external: false }, mine, 'own')).toMatchObject(
      { hidden: false },
    );
  });

  it('wants an external network for gateways and refuses it where a port goes', () => {
    const external = { owner: theirs, shared: false, external: true };
    expect(usageRefusal('network', external, mine, 'external')).toBeNull();
    expect(usageRefusal('network', external, mine, 'use')).toMatchObject({
      hidden: false,
      reason: expect.stringMatching(/external network/),
    });
    expect(usageRefusal('network', { owner: mine, shared: false, external: false }, mine, 'external')).toMatchObject({
      hidden: false,
      reason: 'is not an external network',
    });
  });
});

describe('limits staff set', () => {
  it('bind the tenant but not staff; tenant limits bind nobody', () => {
    const staff = { setBy: 'staff' as const, userId: 'u', at: '2026-01-01T00:00:00Z' };
    expect(limitChangeRefusal(staff, 'tenant')).toMatch(/operator set this limit/);
    expect(limitChangeRefusal(staff, 'staff')).toBeNull();
    expect(limitChangeRefusal({ ...staff, setBy: 'tenant' }, 'tenant')).toBeNull();
    expect(limitChangeRefusal(null, 'tenant')).toBeNull();
  });
});
