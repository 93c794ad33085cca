import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { dataConverter } from '../../workers/data-converter';

// One Runtime per process, quiet below warnings; a second install in the same process is refused and harmless.
try {
  Runtime.install({ logger: new DefaultLogger((process.env.CMP_TEST_TEMPORAL_LOG as 'WARN') ?? 'WARN') });
} catch {
  /* already installed by an earlier suite */
}

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address)
    throw new Error(
      'TEMPORAL_ADDRESS is not set: the jest global setup starts the Temporal dev server (unset CMP_TEST_TEMPORAL=off)',
    );
  return address;
}

export interface TestTemporal {
  client: Client;
  nativeConnection: NativeConnection;
  /** Task queue prefix unique to this suite, so leftovers of other suites never reach its workers. */
  prefix: string;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  const address = temporalAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default', dataConverter: dataConverter() }),
    nativeConnection,
    prefix: `t${randomBytes(4).toString('hex')}-`,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
