import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface ContractRoute {
  method: string;
  /** Contract path template, e.g. /api/v1/tenants/{tenantId}. */
  path: string;
  params: string[];
  hasBody: boolean;
  security: boolean;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of openapi/cmp.yaml. */
export function contractRoutes(): ContractRoute[] {
  const doc = parse(readFileSync(path.resolve(__dirname, '..', '..', 'openapi', 'cmp.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
  };
  const out: ContractRoute[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of methods) {
      const op = item[m];
      if (!op) continue;
      out.push({
        method: m.toUpperCase(),
        path: p,
        params: [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]),
        hasBody: !!op.requestBody,
        security: !(Array.isArray(op.security) && op.security.length === 0),
      });
    }
  }
  return out;
}

export function fillPath(template: string, values: Record<string, string> | ((param: string) => string)): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(typeof values === 'function' ? values(name) : values[name]),
  );
}
