import { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { createNetwork } from './networks';
import { createPort } from './ports';
import { seedNetworks } from './seed';
import { NetworkService } from './service';
import { createSubnet } from './subnets';

const admin = { projectId: 'adminproj', isAdmin: true };
const alice = { projectId: 'alice', isAdmin: false };
const bob = { projectId: 'bob', isAdmin: false };

function fails(fn: () => unknown): { status: number; type: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError) {
      const err = (e.body as { NeutronError: { type: string; message: string } }).NeutronError;
      return { status: e.status, type: err.type, message: err.message };
    }
    throw e;
  }
  throw new Error('expected a SimHttpError');
}

function setup() {
  const svc = new NetworkService(new SimCloud());
  seedNetworks(svc.store, admin.projectId);
  const net = createNetwork(svc.store, alice, { network: { name: 'priv' } });
  const subnet = createSubnet(svc.store, alice, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.0.0.0/28' } });
  const shared = createNetwork(svc.store, admin, { network: { name: 'shared', shared: true } });
  createSubnet(svc.store, admin, { subnet: { network_id: shared.id, ip_version: 4, cidr: '10.1.0.0/28' } });
  return { s: svc.store, net, subnet, shared };
}

describe('Neutron port create with fixed_ips and mac_address', () => {
  it('gives the asked address and MAC, and refuses them taken (409) or malformed (400)', () => {
    const { s, net, subnet } = setup();
    const p = createPort(s, alice, {
      port: { network_id: net.id, fixed_ips: [{ ip_address: '10.0.0.9' }], mac_address: 'FA:16:3E:00:00:09' },
    });
    expect(p.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '10.0.0.9' }]);
    expect(p.mac_address).toBe('fa:16:3e:00:00:09');
    expect(
      fails(() => createPort(s, alice, { port: { network_id: net.id, fixed_ips: [{ ip_address: '10.0.0.9' }] } })),
    ).toMatchObject({ status: 409, type: 'IpAddressAlreadyAllocated' });
    expect(
      fails(() => createPort(s, alice, { port: { network_id: net.id, mac_address: 'fa:16:3e:00:00:09' } })),
    ).toMatchObject({ status: 409, type: 'MacAddressInUse' });
    for (const bad of ['fa:16:3e:00:00', 'zz:16:3e:00:00:01', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', 7])
      expect(fails(() => createPort(s, alice, { port: { network_id: net.id, mac_address: bad } }))).toMatchObject({
        status: 400,
        message: `Invalid input for mac_address. Reason: '${String(bad)}' is not a valid MAC address.`,
      });
    expect(
      fails(() => createPort(s, alice, { port: { network_id: net.id, fixed_ips: [{ ip_address: '10.9.0.1' }] } })),
    ).toMatchObject({ status: 400 });
  });

  it("lets only the network's owner or an admin pick the address or MAC on a shared network", () => {
    const { s, shared } = setup();
    expect(
      fails(() => createPort(s, bob, { port: { network_id: shared.id, fixed_ips: [{ ip_address: '10.1.0.5' }] } })),
    ).toMatchObject({ status: 403 });
    expect(
      fails(() => createPort(s, bob, { port: { network_id: shared.id, mac_address: 'fa:16:3e:01:02:03' } })),
    ).toMatchObject({ status: 403 });
    expect(createPort(s, bob, { port: { network_id: shared.id } }).fixed_ips).toHaveLength(1);
    const made = createPort(s, admin, {
      port: { network_id: shared.id, project_id: 'bob', fixed_ips: [{ ip_address: '10.1.0.5' }] },
    });
    expect(made).toMatchObject({ project_id: 'bob', fixed_ips: [expect.objectContaining({ ip_address: '10.1.0.5' })] });
  });
});
