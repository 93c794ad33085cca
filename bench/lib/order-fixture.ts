import type { RunningSimulator } from '../../simulator/server';
import type { TestPlatform } from '../../test/support/platform';

/** What an orders bench needs: an operator, a tiny flavor product, the simulator's cirros image, a tenant without quota limits. */
export async function orderBenchFixture(p: TestPlatform, sim: RunningSimulator, tenantName: string) {
  const operator = (await p.staff(['operator'])).token;
  const flavor = await p.call('POST', '/api/v1/catalog/products', {
    token: operator,
    body: {
      kind: 'flavor',
      name: 'bench.tiny',
      vcpus: 1,
      ramMb: 512,
      diskGb: 1,
      bandwidthMbps: 10,
      hourlyPrice: 0.01,
      monthlyPrice: 5,
    },
  });
  const images = (sim.cloud.services as unknown as { image: { images: Map<string, { id: string; name: string }> } })
    .image.images;
  const imageId = [...images.values()].find((i) => i.name.startsWith('cirros'))!.id;
  const user = await p.tenantUser(tenantName);
  await p.call('PUT', `/api/v1/quotas/${user.tenantId}`, {
    token: operator,
    body: { instances: -1, vcpus: -1, ramMb: -1 },
  });
  return { operator, flavorId: flavor.body.id as string, imageId, user };
}
