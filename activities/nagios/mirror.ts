import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { Alarm, AlarmRule } from '../../domain/entities';
import { metricCatalog, objectTypes, type MetricCatalog, type ObjectType } from '../../domain/monitoring/catalog';
import { baseObjects, objectDefinitions } from '../../domain/monitoring/nagios-objects';
import {
  alarmService,
  mirrorHosts,
  nagiosPlace,
  PLATFORM_HOST,
  thresholdState,
  type MirrorRule,
} from '../../domain/monitoring/nagios-mirror';
import { figureQuery, idOf } from '../../domain/monitoring/promql';
import { promInstantQuery } from '../metrics/prometheus-client';
import { runtimeSetting } from '../metrics/runtime-setting';
import { sendNsca, writeCommandFile, type PassiveResult } from './passive';
import type { NagiosSettings } from './settings';

const run = promisify(execFile);

/** The figure whose series say which objects of a type exist. */
const presence: Record<ObjectType, string> = {
  host: 'up',
  server: 'cpu',
  storage: 'capacity',
  switch_port: 'oper_status',
};

type Values = Map<string, number>;

async function figureValues(url: string, cat: MetricCatalog, type: ObjectType, figure: string): Promise<Values> {
  const samples = await promInstantQuery(url, figureQuery(cat, type, figure, { kind: 'all' }, 60));
  return new Map(samples.map((s) => [idOf(cat, type, s.labels), s.value]));
}

/** Objects a rule watches: the series its figure (or expression) yields over its selector right now. */
async function ruleObjects(
  url: string,
  cat: MetricCatalog,
  r: AlarmRule,
  known: Map<ObjectType, Values>,
): Promise<string[]> {
  const all = [...(known.get(r.objectType)?.keys() ?? [])];
  if (r.selector.kind === 'all') return all;
  if (r.selector.kind === 'ids') return r.selector.ids;
  if (r.expression || !r.metric || r.selector.kind === 'tenant') {
    // Selected by labels the mirror cannot resolve alone: the rule's own query says which objects it covers.
    const q = r.expression ?? figureQuery(cat, r.objectType, r.metric!, { kind: 'all' }, 60);
    const samples = await promInstantQuery(url, q).catch(() => []);
    return [
      ...new Set(samples.map((s) => idOf(cat, r.objectType, s.labels)).filter((id) => !id.split('/').includes(''))),
    ];
  }
  const samples = await promInstantQuery(url, figureQuery(cat, r.objectType, r.metric, r.selector, 60));
  return samples.map((s) => idOf(cat, r.objectType, s.labels));
}

async function ready(url: string | undefined): Promise<boolean> {
  if (!url) return false;
  return fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/** Mirrors what the platform monitors into Nagios: the object configuration and passive results (cmp-notify). */
export function createNagiosActivities(orm: Orm, s?: NagiosSettings) {
  const send = async (results: PassiveResult[]) => {
    if (!s) return;
    if (s.commandFile) writeCommandFile(s.commandFile, results);
    else {
      // The admins' alarm-server setting (run time, audited) overrides the configured NSCA.
      const address = await runtimeSetting(orm, 'nscaAddress', s.nscaAddress);
      if (address) await sendNsca(address, s.nscaSendConfig, results);
    }
  };

  /** Writes the object file when it changed, verified with `nagios4 -v` (the old file is put back when refused), and restarts Nagios. */
  async function writeConfig(text: string): Promise<boolean> {
    if (!s?.objectsFile) return false;
    const old = existsSync(s.objectsFile) ? readFileSync(s.objectsFile, 'utf8') : undefined;
    if (old === text) return false;
    mkdirSync(path.dirname(s.objectsFile), { recursive: true });
    writeFileSync(`${s.objectsFile}.new`, text);
    renameSync(`${s.objectsFile}.new`, s.objectsFile);
    if (!s.mainConfig) return true;
    try {
      await run(s.nagiosBin ?? 'nagios4', ['-v', s.mainConfig], { timeout: 60_000 });
    } catch (e) {
      if (old !== undefined) writeFileSync(s.objectsFile, old);
      const out = String((e as { stdout?: string }).stdout ?? (e as Error).message);
      throw ApplicationFailure.nonRetryable(
        `nagios4 -v refuses the generated objects: ${
          out
            .split('\n')
            .filter((l) => /Error/.test(l))
            .join(' ') || out.slice(-500)
        }`,
        'NagiosConfigRefused',
      );
    }
    if (s.restartCommandFile && existsSync(s.restartCommandFile)) {
      appendFileSync(s.restartCommandFile, `[${Math.floor(Date.now() / 1000)}] RESTART_PROGRAM\n`);
      // Results sent while Nagios re-reads its objects would be lost: wait for it to take commands again.
      await new Promise((r) => setTimeout(r, 2000));
    }
    return true;
  }

  return {
    /**
     * Regenerates the Nagios objects from what Prometheus reports and the alarm rules, then pushes a
     * passive result for every host and service (the periodic state of everything).
     */
    async nagiosSync(): Promise<{ configured: boolean; hosts: number; results: number; configChanged: boolean }> {
      if (!s || !s.prometheusUrl) return { configured: false, hosts: 0, results: 0, configChanged: false };
      const url = s.prometheusUrl;
      const cat = metricCatalog(s.metricsOverrides);
      const known = new Map<ObjectType, Values>();
      for (const t of objectTypes) known.set(t, await figureValues(url, cat, t, presence[t]));
      const em = orm.em.fork();
      const rules = await em.find(AlarmRule, { enabled: true }, { orderBy: { createdAt: 'asc' } });
      const mirrorRules: MirrorRule[] = [];
      for (const r of rules)
        mirrorRules.push({
          id: r.id,
          name: r.name,
          objectType: r.objectType,
          objectIds: await ruleObjects(url, cat, r, known),
        });
      const objects = objectTypes.flatMap((type) => [...(known.get(type)?.keys() ?? [])].map((id) => ({ type, id })));
      const hosts = mirrorHosts(objects, mirrorRules);
      const configChanged = await writeConfig(
        `${baseObjects({ freshnessSeconds: s.freshnessSeconds })}\n${objectDefinitions(hosts)}`,
      );

      const results: PassiveResult[] = [];
      const hostUp = new Set<string>();
      const up = (type: ObjectType, id: string, output: string, code: 0 | 1 = 0) => {
        const h = nagiosPlace(type, id).host;
        if (hostUp.has(h)) return;
        hostUp.add(h);
        results.push({ host: h, code, output });
      };
      const val = async (type: ObjectType, figure: string) => figureValues(url, cat, type, figure);
      for (const [id, v] of known.get('host')!)
        up('host', id, v === 1 ? 'compute service up' : 'compute service down', v === 1 ? 0 : 1);
      const hostCpu = await val('host', 'cpu');
      for (const id of known.get('host')!.keys())
        results.push({
          host: nagiosPlace('host', id).host,
          service: 'cpu',
          code: thresholdState(hostCpu.get(id), 80, 95),
          output: `CPU ${hostCpu.get(id)?.toFixed(1) ?? '?'} %|cpu=${hostCpu.get(id) ?? ''}%`,
        });
      for (const [id, v] of known.get('server')!) {
        up('server', id, 'reporting');
        results.push({
          host: nagiosPlace('server', id).host,
          service: 'cpu',
          code: thresholdState(v, 80, 95),
          output: `CPU ${v.toFixed(1)} %|cpu=${v}%`,
        });
      }
      const allocated = await val('storage', 'allocated');
      const latency = await val('storage', 'latency');
      for (const [id, capacity] of known.get('storage')!) {
        up('storage', id, 'reporting');
        const pct = capacity > 0 ? (100 * (allocated.get(id) ?? 0)) / capacity : NaN;
        const host = nagiosPlace('storage', id).host;
        results.push({
          host,
          service: 'capacity',
          code: thresholdState(pct, 80, 90),
          output: `${pct.toFixed(1)} % allocated|allocated=${pct}%`,
        });
        results.push({
          host,
          service: 'latency',
          code: thresholdState(latency.get(id), 0.01, 0.02),
          output: `latency ${((latency.get(id) ?? NaN) * 1000).toFixed(2)} ms|latency=${latency.get(id) ?? ''}s`,
        });
      }
      for (const [id, v] of known.get('switch_port')!) {
        const place = nagiosPlace('switch_port', id);
        up('switch_port', id, 'reporting');
        results.push({
          host: place.host,
          service: `${place.prefix}status`,
          code: v === 1 ? 0 : 2,
          output: v === 1 ? 'ifOperStatus up' : `ifOperStatus ${v === 2 ? 'down' : v}`,
        });
      }
      const open = await em.find(Alarm, { status: { $ne: 'resolved' } });
      for (const r of mirrorRules)
        for (const id of r.objectIds) {
          const place = nagiosPlace(r.objectType, id);
          const a = open.find((x) => x.ruleId === r.id && x.objectId === id);
          results.push({
            host: place.host,
            service: alarmService(r.name, place.prefix),
            code: a ? (a.severity === 'warning' ? 1 : 2) : 0,
            output: a ? `${a.status}: ${a.summary}` : 'not broken',
          });
        }
      results.push({ host: PLATFORM_HOST, code: 0, output: 'platform reporting' });
      const probes: Array<[string, string | undefined]> = [
        ['api', s.apiUrl && `${s.apiUrl}/readyz`],
        ['prometheus', `${url}/-/ready`],
        ['alertmanager', s.alertmanagerUrl && `${s.alertmanagerUrl}/-/ready`],
      ];
      for (const [svc, probe] of probes)
        results.push({
          host: PLATFORM_HOST,
          service: svc,
          code: (await ready(probe)) ? 0 : 2,
          output: probe ? `${probe}` : 'not configured',
        });
      results.push({ host: PLATFORM_HOST, service: 'worker-notify', code: 0, output: 'notify worker running' });
      await send(results);
      return { configured: true, hosts: hosts.length, results: results.length, configChanged };
    },

    /** Pushes one alarm's state at once (fired: CRITICAL or WARNING by severity; resolved: OK). */
    async nagiosAlarmState(input: {
      ruleName: string;
      objectType: string | null;
      objectId: string | null;
      severity: string;
      firing: boolean;
      summary: string;
    }): Promise<boolean> {
      if (!s || !input.objectType || !input.objectId || !(objectTypes as readonly string[]).includes(input.objectType))
        return false;
      const place = nagiosPlace(input.objectType as ObjectType, input.objectId);
      await send([
        {
          host: place.host,
          service: alarmService(input.ruleName, place.prefix),
          code: input.firing ? (input.severity === 'warning' ? 1 : 2) : 0,
          output: input.firing ? input.summary : `resolved: ${input.summary}`,
        },
      ]);
      return true;
    },
  };
}

export type NagiosActivities = ReturnType<typeof createNagiosActivities>;
