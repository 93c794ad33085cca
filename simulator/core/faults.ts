import { randomUUID } from 'node:crypto';

/** One injected misbehaviour, matched on method + path regex. */
export interface FaultRule {
  id: string;
  /** HTTP method to match (`GET`...); any method when absent. */
  method?: string;
  /** Regex tested against the request path (e.g. `^/compute/v2.1/servers$`). */
  path: string;
  /** Status to answer instead of the real one (500, 409, 503...); only latency when absent. */
  status?: number;
  /** Share of matching requests that fail, 0..1 (default 1). */
  share: number;
  /** Failures left before the rule stops failing; unlimited when absent. */
  remaining?: number;
  /** The request is handled and only then answered with `status`: the reply is lost, the change happened. */
  lostReply?: boolean;
  /** Extra delay before matching requests are handled. */
  latencyMs?: number;
  /** How many requests this rule has failed so far. */
  hits: number;
}

export type FaultRuleInput = Omit<FaultRule, 'id' | 'hits' | 'share'> & { share?: number };

export interface FaultDecision {
  latencyMs: number;
  status?: number;
  ruleId?: string;
  lostReply?: boolean;
}

/** The table consulted by app.ts's global middleware for every request. */
export class FaultTable {
  private rules: Array<FaultRule & { re: RegExp }> = [];

  add(input: FaultRuleInput): FaultRule {
    const re = new RegExp(input.path);
    const rule = { ...input, id: randomUUID(), hits: 0, share: input.share ?? 1, re };
    this.rules.push(rule);
    return this.view(rule);
  }

  remove(id: string): boolean {
    const n = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== n;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.view(r));
  }

  decide(method: string, path: string, random: () => number = Math.random): FaultDecision {
    const d: FaultDecision = { latencyMs: 0 };
    for (const r of this.rules) {
      if (r.method && r.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!r.re.test(path)) continue;
      if (r.latencyMs) d.latencyMs = Math.max(d.latencyMs, r.latencyMs);
      if (d.status === undefined && r.status && (r.remaining === undefined || r.remaining > 0) && random() < r.share) {
        d.status = r.status;
        d.ruleId = r.id;
        d.lostReply = r.lostReply === true;
        r.hits++;
        if (r.remaining !== undefined) r.remaining--;
      }
    }
    return d;
  }

  private view(r: FaultRule & { re: RegExp }): FaultRule {
    const { re: _re, ...rest } = r;
    return rest;
  }
}
