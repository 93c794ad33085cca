import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { createOpenStackClient, passwordCloud, TokenCache, type OpenStackClient } from '../../activities/openstack';
import { bootable, migrationDone, serverStatus } from './support';

let sim: RunningSimulator;
let client: OpenStackClient;
beforeAll(async () => {
  // Slow live migrations, so there is one to watch and abort.
  sim = await startSimulator({ buildMs: 30, actionMs: 20, migrateMs: 3000 });
  client = createOpenStackClient(
    passwordCloud({ authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' }),
    { tokenCache: new TokenCache() },
  );
});
afterAll(async () => {
  await sim?.close();
});

it('lists a running live migration of a server and aborts it', async () => {
  const { flavor, image, network } = await bootable(client);
  const { id } = await client.compute.createServer({
    name: 'abort-me',
    flavorRef: flavor.id,
    imageRef: image.id,
    networks: [{ uuid: network.id }],
  });
  const server = (await serverStatus(client, id, ['ACTIVE'], { pollMs: 20, timeoutMs: 10_000 }))!;
  await client.compute.liveMigrate(id);
  const running = await client.compute.listServerMigrations(id);
  expect(running).toHaveLength(1);
  await client.compute.abortMigration(id, running[0]!.id);
  await expect(migrationDone(client, id, running[0]!.id, { pollMs: 20, timeoutMs: 10_000 })).rejects.toMatchObject({
    kind: 'failed',
    lastStatus: expect.stringMatching(/cancel|abort|error/),
  });
  const after = await serverStatus(client, id, ['ACTIVE'], { pollMs: 20, timeoutMs: 10_000 });
  expect(after!['OS-EXT-SRV-ATTR:host']).toBe(server['OS-EXT-SRV-ATTR:host']);
});
