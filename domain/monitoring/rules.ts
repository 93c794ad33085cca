import { stringify } from 'yaml';
import type { AlarmRule } from '../entities/alarm-rule';
import type { MetricCatalog } from './catalog';
import { figureQuery, type Selector } from './promql';

/** Name of a rule's alert in Prometheus (alert names follow metric-name syntax). */
export const alertName = (ruleId: string) => `cmp_alarm_${ruleId.replace(/-/g, '_')}`;

/** Label every alert of a platform rule carries, naming the rule. */
export const RULE_LABEL = 'cmp_rule';

export interface RenderContext {
  catalog: MetricCatalog;
  rateWindowSeconds: number;
  /** OpenStack project of each tenant, for rules over a tenant's servers. */
  tenantProjects: Map<string, string | null | undefined>;
}

/** Thrown when a rule cannot be expressed (a tenant without a project, an unknown figure). */
export class RuleRenderError extends Error {}

function selectorOf(rule: AlarmRule, ctx: RenderContext): Selector {
  const s = rule.selector;
  if (s.kind === 'tenant') {
    const project = ctx.tenantProjects.get(s.tenantId);
    if (!project) throw new RuleRenderError(`tenant ${s.tenantId} has no OpenStack project yet`);
    return { kind: 'labels', labels: { project_id: project } };
  }
  return s;
}

/** PromQL of the rule: its figure over the selected objects (or its own expression) compared with the threshold. */
export function ruleExpression(rule: AlarmRule, ctx: RenderContext): string {
  const threshold = Number.isInteger(rule.threshold)
    ? String(rule.threshold)
    : rule.threshold.toPrecision(15).replace(/0+$/, '');
  if (rule.expression) return `(${rule.expression}) ${rule.comparison} ${threshold}`;
  if (!rule.metric || !ctx.catalog[rule.objectType].metrics[rule.metric])
    throw new RuleRenderError(`unknown metric ${rule.metric} of ${rule.objectType}`);
  return `${figureQuery(ctx.catalog, rule.objectType, rule.metric, selectorOf(rule, ctx), ctx.rateWindowSeconds)} ${rule.comparison} ${threshold}`;
}

function alertingRule(rule: AlarmRule, ctx: RenderContext) {
  const ids = ctx.catalog[rule.objectType].idLabels.map((l) => `{{ $labels.${l} }}`).join('/');
  const what = rule.metric ?? 'expression';
  return {
    alert: alertName(rule.id),
    expr: ruleExpression(rule, ctx),
    for: `${rule.durationSeconds}s`,
    labels: { [RULE_LABEL]: rule.id, severity: rule.severity, cmp_object_type: rule.objectType },
    annotations: {
      summary: `${rule.objectType} ${ids}: ${what} is {{ $value }} (${rule.comparison} ${rule.threshold})`,
    },
  };
}

/** The Prometheus rule file of the enabled rules, one group. */
export function renderRuleFile(rules: AlarmRule[], ctx: RenderContext, evaluationIntervalSeconds?: number): string {
  const group: Record<string, unknown> = {
    name: 'cmp-alarms',
    rules: rules.filter((r) => r.enabled).map((r) => alertingRule(r, ctx)),
  };
  if (evaluationIntervalSeconds) group.interval = `${evaluationIntervalSeconds}s`;
  return `# Written by the platform from its alarm rules; edits here are overwritten.\n${stringify({ groups: [group] }, { lineWidth: 0 })}`;
}
