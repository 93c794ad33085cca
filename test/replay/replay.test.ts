import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { parseKeyring } from '../../domain/secrets/keyring';
import { dataConverter } from '../../workers/data-converter';
import { historiesDir, workflowTypes } from './histories';
import { replayFixtureKeys } from './fixture-keys';

interface Recorded {
  workflowId: string;
  workflowType: string;
  status: string;
  events: number;
  /** The History proto, base64. */
  history: string;
}

const recorded: Recorded[] = readdirSync(historiesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(historiesDir, f), 'utf8')) as Recorded);

/**
 * Histories recorded from real runs (`npm run record:histories`) replayed with today's workflow code: a
 * change to a workflow's logic that is not behind `patched()` makes its old histories fail here.
 */
describe('replay of recorded workflow histories', () => {
  it('has a recorded history for every workflow type the worker registers', () => {
    const have = new Set(recorded.map((r) => r.workflowType));
    expect(workflowTypes().filter((t) => !have.has(t))).toEqual([]);
  });

  it('replays every recorded history without nondeterminism', async () => {
    const bundle = process.env.CMP_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: process.env.CMP_WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('../../workflows') };
    const histories = recorded.map((r) => ({
      workflowId: r.workflowId,
      history: temporal.api.history.v1.History.decode(Buffer.from(r.history, 'base64')),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { ...bundle, dataConverter: dataConverter(parseKeyring(replayFixtureKeys)) },
      histories,
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(recorded.length);
  }, 180_000);
});
