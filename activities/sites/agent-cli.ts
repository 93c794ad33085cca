import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PackageFormat } from '../../domain/sites/archive-entries';
import { SiteQuotaError, type HostAgent, type SiteSpace } from './agent';
import { LocalHostAgent, type LocalAgentSettings } from './local-agent';

/** One call of the host agent's command: the operation and its arguments (the first line of standard input). */
export interface AgentRequest {
  op:
    | 'ensureStack'
    | 'createSite'
    | 'usageBytes'
    | 'unpackRelease'
    | 'activateRelease'
    | 'deactivateRelease'
    | 'removeRelease'
    | 'exportRelease'
    | 'ensureFtpAccount'
    | 'removeSite'
    | 'stop';
  space?: SiteSpace;
  env?: Record<string, string>;
  number?: number;
  format?: PackageFormat;
  password?: string;
}

/** Its answer (one line of standard output; for exportRelease the archive's bytes follow it). */
export type AgentAnswer =
  { ok: true; result: unknown } | { ok: false; error: string; quota?: { neededBytes: number; freeBytes: number } };

/** Reads standard input: a line of JSON, then (for unpackRelease) the package's bytes, written to `file`. */
async function readRequest(file: string): Promise<AgentRequest> {
  const stdin = process.stdin;
  let head = Buffer.alloc(0);
  for await (const chunk of stdin as AsyncIterable<Buffer>) {
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(10);
    if (nl < 0) continue;
    const req = JSON.parse(head.subarray(0, nl).toString('utf8')) as AgentRequest;
    const out = createWriteStream(file);
    out.write(head.subarray(nl + 1));
    // The rest of standard input is the package (empty for every other operation).
    await pipeline(stdin, out);
    return req;
  }
  throw new Error('no request on standard input');
}

async function perform(agent: HostAgent, req: AgentRequest, file: string): Promise<unknown> {
  const space = () => {
    if (!req.space) throw new Error(`${req.op} needs the site's space`);
    return req.space;
  };
  switch (req.op) {
    case 'ensureStack':
      return agent.ensureStack();
    case 'createSite':
      return agent.createSite(space(), req.env ?? {});
    case 'usageBytes':
      return agent.usageBytes(space());
    case 'unpackRelease':
      return agent.unpackRelease(space(), file, req.format ?? 'tar.gz', req.number!);
    case 'activateRelease':
      return agent.activateRelease(space(), req.number!);
    case 'deactivateRelease':
      return agent.deactivateRelease(space());
    case 'removeRelease':
      return agent.removeRelease(space(), req.number!);
    case 'exportRelease':
      await agent.exportRelease(space(), req.number!, `${file}.export`);
      return { bytes: (await stat(`${file}.export`)).size };
    case 'ensureFtpAccount':
      return agent.ensureFtpAccount(space(), req.password!);
    case 'removeSite':
      return agent.removeSite(space());
    case 'stop':
      return agent.stop();
    default:
      throw new Error(`unknown operation ${String((req as { op: unknown }).op)}`);
  }
}

/**
 * The host agent's command on a shared host, run by the SSH driver once per operation:
 * `node --import tsx activities/sites/agent-cli.ts <settings.json>`. The settings file holds the host's
 * LocalAgentSettings; its web stack runs detached, so it outlives the call.
 */
async function main(): Promise<void> {
  const settingsFile = process.argv[2];
  if (!settingsFile) throw new Error('usage: agent-cli <settings.json>');
  const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as LocalAgentSettings;
  const agent = new LocalHostAgent({ ...settings, detach: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'cmp-agent-'));
  const file = path.join(dir, 'package');
  let answer: AgentAnswer;
  let exported = false;
  try {
    try {
      const req = await readRequest(file);
      answer = { ok: true, result: (await perform(agent, req, file)) ?? null };
      exported = req.op === 'exportRelease';
    } catch (e) {
      answer =
        e instanceof SiteQuotaError
          ? { ok: false, error: e.message, quota: { neededBytes: e.neededBytes, freeBytes: e.freeBytes } }
          : { ok: false, error: (e as Error).message };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    if (exported) await pipeline(createReadStream(`${file}.export`), process.stdout, { end: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
