import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import { AlarmRule, Tenant } from '../../domain/entities';
import { metricCatalog } from '../../domain/monitoring/catalog';
import { renderRuleFile, type RenderContext } from '../../domain/monitoring/rules';
import { checkRules, reloadPrometheus, writeRuleFile } from './rule-file';

export type RuleSettings = Pick<
  Config,
  | 'dataDir'
  | 'PROMETHEUS_RULES_FILE'
  | 'PROMETHEUS_URL'
  | 'PROMTOOL'
  | 'MONITORING_METRICS'
  | 'MONITORING_RATE_WINDOW_SECONDS'
>;

export const rulesFileOf = (cfg: RuleSettings) =>
  cfg.PROMETHEUS_RULES_FILE ?? path.join(cfg.dataDir, 'prometheus', 'rules', 'cmp-alarms.yml');

async function context(em: EntityManager, cfg: RuleSettings, rules: AlarmRule[]): Promise<RenderContext> {
  const tenantIds = [...new Set(rules.flatMap((r) => (r.selector.kind === 'tenant' ? [r.selector.tenantId] : [])))];
  const tenants = tenantIds.length ? await em.find(Tenant, { id: { $in: tenantIds } }) : [];
  return {
    catalog: metricCatalog(cfg.MONITORING_METRICS),
    rateWindowSeconds: cfg.MONITORING_RATE_WINDOW_SECONDS,
    tenantProjects: new Map(tenants.map((t) => [t.id, t.openstackProjectId])),
  };
}

/** Checks one rule on its own with promtool (throws RulesRefused / RuleRenderError naming its problem). */
export async function checkRule(em: EntityManager, cfg: RuleSettings, rule: AlarmRule): Promise<void> {
  await checkRules(
    cfg.PROMTOOL,
    renderRuleFile([{ ...rule, enabled: true } as AlarmRule], await context(em, cfg, [rule])),
  );
}

export interface ApplyResult {
  file: string;
  rules: number;
  /** Whether Prometheus re-read the file (false when none is configured or it did not answer). */
  reloaded: boolean;
  reloadError?: string;
}

/**
 * Renders every stored rule, checks the whole file with promtool, writes it and reloads Prometheus.
 * The file is always the full set, so any API process can apply and the last write wins.
 */
export async function applyRules(em: EntityManager, cfg: RuleSettings): Promise<ApplyResult> {
  const rules = await em.find(AlarmRule, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const text = renderRuleFile(rules, await context(em, cfg, rules));
  await checkRules(cfg.PROMTOOL, text);
  const file = rulesFileOf(cfg);
  writeRuleFile(file, text);
  const count = rules.filter((r) => r.enabled).length;
  if (!cfg.PROMETHEUS_URL) return { file, rules: count, reloaded: false };
  try {
    await reloadPrometheus(cfg.PROMETHEUS_URL);
    return { file, rules: count, reloaded: true };
  } catch (e) {
    return { file, rules: count, reloaded: false, reloadError: (e as Error).message };
  }
}
