import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseObjects, objectDefinitions } from '../../domain/monitoring/nagios-objects';
import { mirrorHosts } from '../../domain/monitoring/nagios-mirror';
import { Client, Connection } from '@temporalio/client';
import { taskQueues } from '../../domain/task-queues';
import { dataConverter } from '../../workers/data-converter';
import { nagiosResyncSignal, nagiosSyncWorkflow, nagiosSyncWorkflowId } from '../../workflows/nagios-sync';
import { whenReady } from './children';
import { waitForPort } from './temporal-cli';

function which(name: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], { encoding: 'utf8' })
        .trim()
        .split('\n')[0] || undefined
    );
  } catch {
    return undefined;
  }
}

/** Debian's `nagios4` and `nsca` (the daemon), when both are installed. */
export function nagiosBinaries(): { nagios: string; nsca: string } | undefined {
  const nagios = which('nagios4');
  const nsca = which('nsca');
  return nagios && nsca ? { nagios, nsca } : undefined;
}

export interface NagiosLayout {
  dir: string;
  mainConfig: string;
  objectsFile: string;
  commandFile: string;
  statusFile: string;
  nscaConfig: string;
  sendNscaConfig: string;
}

export const nagiosLayout = (dir: string): NagiosLayout => ({
  dir,
  mainConfig: path.join(dir, 'nagios.cfg'),
  objectsFile: path.join(dir, 'objects', 'cmp.cfg'),
  commandFile: path.join(dir, 'rw', 'nagios.cmd'),
  statusFile: path.join(dir, 'var', 'status.dat'),
  nscaConfig: path.join(dir, 'nsca.cfg'),
  sendNscaConfig: path.join(dir, 'send_nsca.cfg'),
});

/**
 * A private Nagios 4 tree under `dir`: nagios.cfg (passive results and freshness on, notifications
 * left to the site, status written every `statusSeconds`), the platform's base objects, and NSCA
 * (plain on loopback) feeding its command file. The object file itself is the platform's to write.
 */
export function writeNagiosTree(
  dir: string,
  o: { nscaPort: number; freshnessSeconds: number; statusSeconds?: number; user?: string },
): NagiosLayout {
  const l = nagiosLayout(dir);
  for (const d of ['var', 'rw', 'objects', 'spool/checkresults']) mkdirSync(path.join(dir, d), { recursive: true });
  const user = o.user ?? (process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'nagios'));
  writeFileSync(path.join(dir, 'resource.cfg'), '$USER1$=/usr/lib/nagios/plugins\n');
  // The platform rewrites this file with its objects (base templates included) on every change; until then
  // it holds the platform host alone (Nagios refuses to start without a host and a service).
  if (!existsSync(l.objectsFile))
    writeFileSync(
      l.objectsFile,
      `${baseObjects({ freshnessSeconds: o.freshnessSeconds })}\n${objectDefinitions(mirrorHosts([], []))}`,
    );
  const v = (name: string) => path.join(dir, 'var', name);
  writeFileSync(
    l.mainConfig,
    [
      `log_file=${v('nagios.log')}`,
      `cfg_dir=${path.join(dir, 'objects')}`,
      `object_cache_file=${v('objects.cache')}`,
      `precached_object_file=${v('objects.precache')}`,
      `resource_file=${path.join(dir, 'resource.cfg')}`,
      `status_file=${l.statusFile}`,
      `status_update_interval=${o.statusSeconds ?? 10}`,
      `nagios_user=${user}`,
      `nagios_group=${user}`,
      'check_external_commands=1',
      `command_file=${l.commandFile}`,
      `query_socket=${path.join(dir, 'rw', 'nagios.qh')}`,
      `lock_file=${v('nagios.lock')}`,
      `temp_file=${v('nagios.tmp')}`,
      `temp_path=${path.join(dir, 'var')}`,
      `check_result_path=${path.join(dir, 'spool', 'checkresults')}`,
      `state_retention_file=${v('retention.dat')}`,
      'retain_state_information=1',
      'accept_passive_service_checks=1',
      'accept_passive_host_checks=1',
      'passive_host_checks_are_soft=0',
      'execute_service_checks=1',
      'execute_host_checks=1',
      'check_service_freshness=1',
      `service_freshness_check_interval=${Math.max(1, Math.min(60, Math.floor(o.freshnessSeconds / 3)))}`,
      'check_host_freshness=1',
      `host_freshness_check_interval=${Math.max(1, Math.min(60, Math.floor(o.freshnessSeconds / 3)))}`,
      'additional_freshness_latency=0',
      'enable_notifications=1',
      'interval_length=1',
      'use_syslog=0',
      'log_passive_checks=1',
      'illegal_macro_output_chars=`~$&|\'"<>',
      '',
    ].join('\n'),
  );
  writeFileSync(
    l.nscaConfig,
    [
      `server_port=${o.nscaPort}`,
      'server_address=127.0.0.1',
      `command_file=${l.commandFile}`,
      `pid_file=${v('nsca.pid')}`,
      `alternate_dump_file=${v('nsca.dump')}`,
      'debug=0',
      'aggregate_writes=0',
      'append_to_file=0',
      'max_packet_age=30',
      'decryption_method=0',
      '',
    ].join('\n'),
  );
  writeFileSync(l.sendNscaConfig, 'encryption_method=0\n');
  return l;
}

/** `nagios4 -v`: answers null when the configuration is valid, else the errors Nagios names. */
export function verifyNagios(bin: string, mainConfig: string): string | null {
  try {
    execFileSync(bin, ['-v', mainConfig], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    return null;
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ''}`;
    return (
      out
        .split('\n')
        .filter((l) => /^\s*(Error|Warning)/.test(l))
        .join('\n') || (e as Error).message
    );
  }
}

/** Waits for Nagios to open its command file (a FIFO it creates once running). */
async function commandFileReady(file: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`Nagios did not create ${file} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Nagios 4 on the tree of `writeNagiosTree`; resolves once it reads its command file. */
export function startNagios(bin: string, l: NagiosLayout, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const problems = verifyNagios(bin, l.mainConfig);
  if (problems) return Promise.reject(new Error(`nagios4 -v refuses ${l.mainConfig}: ${problems}`));
  const proc = spawn(bin, [l.mainConfig], { env, stdio: 'ignore' });
  return whenReady(proc, () => commandFileReady(l.commandFile));
}

/** NSCA in the foreground on loopback, writing to Nagios's command file. */
export function startNsca(
  bin: string,
  l: NagiosLayout,
  port: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcess> {
  const proc = spawn(bin, ['-f', '-c', l.nscaConfig, '--single'], { env, stdio: 'ignore' });
  return whenReady(proc, () => waitForPort(port));
}

/** Starts (or wakes) the deployment's `nagios-sync` workflow, so the periodic state push runs from the first start. */
export async function ensureNagiosSync(address: string, namespace: string, intervalSeconds: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const q = taskQueues().orchestration;
    const client = new Client({ connection, namespace, dataConverter: dataConverter() });
    await client.workflow.signalWithStart(nagiosSyncWorkflow, {
      taskQueue: q,
      workflowId: nagiosSyncWorkflowId(q),
      args: [{ intervalSeconds }],
      signal: nagiosResyncSignal,
    });
  } finally {
    await connection.close();
  }
}
