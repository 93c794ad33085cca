import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
// The routers register their validators as they load.
import '../../api/app';
import { requestBodies } from '../../api/lib/request-schemas';

/**
 * The request bodies of openapi/cmp.yaml derived from the API's zod validators (`requestBody()` in
 * api/lib/request-schemas.ts): the validator is the one source of a body's shape, the contract follows.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

/** Words about a schema, not part of its shape: kept from the contract when it is rewritten, ignored when compared. */
const prose = new Set(['description', 'title', 'example', 'examples', '$comment']);

function tidy(s: Json): Json {
  if (Array.isArray(s)) return s.map(tidy);
  if (!s || typeof s !== 'object') return s;
  const out: Schema = {};
  // `default` is left out: openapi-typescript would type a property with one as always present in requests.
  for (const [k, v] of Object.entries(s)) if (k !== '$schema' && k !== 'default') out[k] = tidy(v);
  // `anyOf: [{ type: X, ... }, { type: 'null' }]` is written as `type: [X, 'null']`.
  const any = out.anyOf;
  if (Array.isArray(any) && any.length === 2 && Object.keys(out).length === 1) {
    const [a, b] = any as Schema[];
    if (b?.type === 'null' && typeof a?.type === 'string') return { ...a, type: [a.type, 'null'] };
  }
  return out;
}

/** The JSON Schema a validator accepts, as the contract writes it. */
export function derive(schema: ZodTypeAny): Schema {
  // (zod-to-json-schema's parameter type is too deep for the compiler to check against every validator)
  return tidy(
    zodToJsonSchema(schema as never, { target: 'jsonSchema2019-09', $refStrategy: 'none' }) as Json,
  ) as Schema;
}

function shape(s: Json, doc: Schema, seen = 0): Json {
  if (Array.isArray(s)) return s.map((x) => shape(x, doc, seen));
  if (!s || typeof s !== 'object') return s;
  if (typeof s.$ref === 'string' && seen < 20) return shape(resolve(doc, s.$ref), doc, seen + 1);
  const out: Schema = {};
  for (const [k, v] of Object.entries(s))
    if (!prose.has(k)) out[k] = k === 'properties' ? props(v, doc, seen) : shape(v, doc, seen);
  if (Array.isArray(out.required)) out.required = [...(out.required as string[])].sort();
  return out;
}

function props(v: Json, doc: Schema, seen: number): Json {
  const out: Schema = {};
  for (const [k, p] of Object.entries(v as Schema)) out[k] = shape(p, doc, seen);
  return out;
}

function resolve(doc: Schema, ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Json>((n, k) => (n as Schema)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

export interface Operation {
  op: string;
  /** The component the operation's body refers to, or undefined for an inline schema. */
  component?: string;
  documented: Json;
  derived: Schema;
}

/** Every operation with a registered validator, with what cmp.yaml documents and what the validator derives. */
export function operations(doc: Schema): { found: Operation[]; problems: string[] } {
  const found: Operation[] = [];
  const problems: string[] = [];
  for (const [op, zod] of requestBodies()) {
    const [method, path] = op.split(' ');
    const item = (doc.paths as Schema)[path] as Schema | undefined;
    const body = (item?.[method.toLowerCase()] as Schema | undefined)?.requestBody as Schema | undefined;
    const schema = ((body?.content as Schema)?.['application/json'] as Schema)?.schema as Schema | undefined;
    if (!schema) {
      problems.push(`${op}: no JSON request body in openapi/cmp.yaml`);
      continue;
    }
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    const component = ref?.match(/^#\/components\/schemas\/([^/]+)$/)?.[1];
    if (ref && !component) problems.push(`${op}: refers to ${ref}, not to a component schema`);
    found.push({ op, component, documented: schema, derived: derive(zod) });
  }
  const byComponent = new Map<string, Operation>();
  for (const o of found) {
    if (!o.component) continue;
    const other = byComponent.get(o.component);
    if (other && !isDeepStrictEqual(other.derived, o.derived))
      problems.push(`${o.op} and ${other.op} share components/schemas/${o.component} but validate different shapes`);
    byComponent.set(o.component, o);
  }
  return { found, problems };
}

/** What differs between cmp.yaml's request bodies and the validators (empty when the contract follows them). */
export function checkRequestBodies(doc: Schema): string[] {
  const { found, problems } = operations(doc);
  for (const o of found)
    if (!isDeepStrictEqual(shape(o.documented, doc), shape(o.derived, doc)))
      problems.push(
        `${o.op}: the request body in openapi/cmp.yaml${o.component ? ` (components/schemas/${o.component})` : ''} is not what its validator accepts: ${JSON.stringify(o.derived)}`,
      );
  return problems;
}

/** Keeps the contract's descriptions of the schema and of its properties. */
function withProse(derived: Json, old: Json, doc: Schema): Json {
  if (!derived || typeof derived !== 'object' || Array.isArray(derived)) return derived;
  const was = (
    old && typeof old === 'object' && !Array.isArray(old) && typeof old.$ref === 'string' ? resolve(doc, old.$ref) : old
  ) as Schema | undefined;
  const out: Schema = {};
  for (const k of prose) if (was && typeof was === 'object' && k in was) out[k] = was[k];
  for (const [k, v] of Object.entries(derived)) {
    if (k === 'properties' && v && typeof v === 'object') {
      const ps: Schema = {};
      for (const [name, p] of Object.entries(v as Schema))
        ps[name] = withProse(p, (was?.properties as Schema | undefined)?.[name] ?? null, doc);
      out[k] = ps;
    } else if (k === 'items') out[k] = withProse(v, (was?.items as Json) ?? null, doc);
    else out[k] = v;
  }
  return out;
}

/** YAML of a schema: block maps for it and its properties, every value below them on one line. */
function render(schema: Json, indent: string, flowAll: boolean): string {
  const d = new Document(schema);
  const style = (node: Node | null, flow: boolean) => {
    if (isMap(node) || isSeq(node)) {
      node.flow = flow || isSeq(node);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          const key = isScalar(item.key) ? String(item.key.value) : '';
          style(item.value as Node, flow || !(isMap(item.value) && key === 'properties'));
        } else style(item as Node, true);
      }
    }
  };
  style(d.contents as Node, flowAll);
  const text = d.toString({ lineWidth: 0, indent: 2, flowCollectionPadding: true }).trimEnd();
  return flowAll
    ? text
    : text
        .split('\n')
        .map((l) => indent + l)
        .join('\n');
}

/** cmp.yaml's text with every registered request body rewritten from its validator (only those that differ). */
export function writeRequestBodies(src: string): { text: string; changed: string[] } {
  const doc = parseDocument(src);
  const json = doc.toJS() as Schema;
  const { found, problems } = operations(json);
  if (problems.length) throw new Error(problems.join('\n'));
  const edits: { from: number; to: number; text: string }[] = [];
  const changed: string[] = [];
  const schemas = doc.getIn(['components', 'schemas']) as YAMLMap;
  const done = new Set<string>();
  for (const o of found) {
    if (isDeepStrictEqual(shape(o.documented, json), shape(o.derived, json))) continue;
    if (o.component) {
      if (done.has(o.component)) continue;
      done.add(o.component);
      const pair = schemas.items.find((p) => isScalar(p.key) && p.key.value === o.component)!;
      const value = pair.value as Node;
      const schema = withProse(o.derived, resolve(json, `#/components/schemas/${o.component}`), json);
      const keyStart = (pair.key as Node).range![0];
      const from = src.lastIndexOf('\n', keyStart) + 1;
      const end = src.indexOf('\n', value.range![1] - 1);
      edits.push({
        from,
        to: end === -1 ? src.length : end,
        text: `${src.slice(from, keyStart)}${o.component}:\n${render(schema, `${src.slice(from, keyStart)}  `, false)}`,
      });
      changed.push(`components/schemas/${o.component} (${o.op})`);
    } else {
      const [method, path] = o.op.split(' ');
      const node = doc.getIn([
        'paths',
        path,
        method.toLowerCase(),
        'requestBody',
        'content',
        'application/json',
        'schema',
      ]) as Node;
      edits.push({
        from: node.range![0],
        to: node.range![1],
        text: render(withProse(o.derived, o.documented, json), '', true),
      });
      changed.push(o.op);
    }
  }
  let text = src;
  for (const e of edits.sort((a, b) => b.from - a.from)) text = text.slice(0, e.from) + e.text + text.slice(e.to);
  return { text, changed };
}
