/**
 * Validates OpenStack request/response bodies against the generated OpenAPI 3.1 specs in
 * `../shared/openstack-openapi/` (see its README) and reads the official API samples in
 * `../shared/openstack-api-samples/`.
 *
 * What the generated specs contain, and how this module copes:
 * - Path keys carry the version prefix (`/v2.1/servers/{id}/action`); the simulator mounts each
 *   service under `/compute`, `/network`... so a concrete path is accepted with or without that
 *   prefix (or as a full URL) and matched against the templates, the most literal one winning.
 * - Request bodies of `.../action` are a `oneOf` over actions (`x-openstack.action-name`), and
 *   microversioned bodies a `oneOf` over versions (`x-openstack.min-ver`/`max-ver`). Variants are
 *   picked by `opts.action` (inferred from the body's single key for requests) and
 *   `opts.microversion`; whatever remains is validated as "any of", because the generated
 *   variants overlap and a strict `oneOf` would reject bodies valid under several versions.
 * - Error responses mostly carry no schema; they are checked against the service's fault shape.
 * - YAML parsing of the big files takes seconds, so the parsed documents are cached as JSON in
 *   the OS temp dir; schemas are compiled per operation, lazily, and cached.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { parse as parseYaml } from 'yaml';

export type OpenStackService = 'compute' | 'network' | 'volume' | 'image' | 'identity' | 'load-balancer';

export interface SpecOptions {
  /** Microversion the body belongs to (`2.79`, `3.70`, `latest`); selects `oneOf` variants. */
  microversion?: string;
  /** Action name (`reboot`, `os-migrateLive`) for `.../action` bodies; inferred for requests. */
  action?: string;
  /** Fail on a 2xx status the spec does not list (default: check the body against the listed ones). */
  strictStatus?: boolean;
  /** Check error bodies against the service's fault shape (default true). */
  checkFaultShape?: boolean;
}

export interface ValidationResult {
  ok: boolean;
  /** Human-readable, one problem per line; empty when ok. */
  errors: string;
  /** `GET /v2.1/servers/{id}` when the path matched an operation. */
  operation?: string;
}

const specFiles: Record<OpenStackService, string> = {
  compute: 'compute-v2.96.yaml',
  network: 'network-v2.yaml',
  volume: 'block-storage-v3.70.yaml',
  image: 'image-v2.16.yaml',
  identity: 'identity-v3.14.yaml',
  'load-balancer': 'load-balancing-v2.yaml',
};

const sampleFolders: Record<OpenStackService, string> = {
  compute: 'compute',
  network: 'network',
  volume: 'block-storage',
  image: 'image',
  identity: 'identity',
  'load-balancer': 'load-balancer',
};

/** `/work/shared` beside the repository, or `CMP_SHARED_DIR`. */
export function sharedDir(): string {
  return process.env.CMP_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');
}

export function specDir(): string {
  return path.join(sharedDir(), 'openstack-openapi');
}

export function samplesDir(): string {
  return path.join(sharedDir(), 'openstack-api-samples');
}

export function hasSpecs(): boolean {
  return existsSync(specDir());
}

export function hasSamples(): boolean {
  return existsSync(samplesDir());
}

const warned = new Set<string>();
function warnOnce(what: string, dir: string): void {
  if (warned.has(dir)) return;
  warned.add(dir);
  // stderr, not console: jest drops console output of suites whose tests are all skipped.
  process.stderr.write(`[openstack-spec] ${what} not found at ${dir}: skipping the suites that need it.\n`);
}

/** `describe` when the shared specs (and, with `needSamples`, samples) exist, else `describe.skip` with a note. */
export function describeIfShared(
  name: string,
  fn: () => void,
  needs: { samples?: boolean; specs?: boolean } = {},
): void {
  const needSpecs = needs.specs ?? true;
  const missing = needSpecs && !hasSpecs() ? specDir() : needs.samples && !hasSamples() ? samplesDir() : undefined;
  if (missing) {
    warnOnce('OpenStack shared data', missing);
    describe.skip(`${name} (skipped: ${missing} is absent)`, fn);
  } else {
    describe(name, fn);
  }
}

/** Reads an official sample, e.g. `loadSample('compute', 'servers/server-get-resp.json')`; JSON is parsed. */
export function loadSample<T = any>(service: OpenStackService | 'block-storage', relPath: string): T {
  const folder = service === 'block-storage' ? service : sampleFolders[service];
  const file = path.join(samplesDir(), folder, relPath);
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.json')) return text as unknown as T;
  return JSON.parse(text) as T;
}

// ---------------------------------------------------------------------------------------------
// Spec loading

type Json = any;

interface Operation {
  service: OpenStackService;
  method: string;
  template: string;
  op: Json;
}

interface LoadedSpec {
  service: OpenStackService;
  doc: Json;
  ajv: Ajv2020;
  /** Same document with unset fields allowed to be `null`; see `nullableCopy`. */
  responseAjv: Ajv2020;
  matchers: Array<{ template: string; re: RegExp; literals: number }>;
  compiled: Map<string, ValidateFunction>;
}

const docId = (service: OpenStackService) => `openstack:${service}`;
const loaded = new Map<OpenStackService, LoadedSpec>();

function cachedParse(file: string): Json {
  const st = statSync(file);
  const key = createHash('sha1').update(`${file}:${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cacheDir = path.join(os.tmpdir(), 'cmp-openstack-spec-cache');
  const cacheFile = path.join(cacheDir, `${path.basename(file)}.${key}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    const doc = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: -1 });
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename is not needed: a torn file fails JSON.parse and is simply rebuilt.
      writeFileSync(cacheFile, JSON.stringify(doc));
    } catch {
      /* cache is an optimisation only */
    }
    return doc;
  }
}

function templateRegex(template: string): RegExp {
  const parts = template
    .split('/')
    .map((seg) =>
      seg.replace(/\{[^}]+\}|[^{]+/g, (m) => (m.startsWith('{') ? '[^/]+' : m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
    );
  return new RegExp(`^${parts.join('/')}$`);
}

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    validateFormats: true,
    logger: { log() {}, warn() {}, error: console.error },
    code: { regExp: pythonRegExp as never },
  });
  addFormats(ajv);
  // OpenStack timestamps often lack a zone (`2016-01-29T13:42:02.000000`); accept them.
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  // `format: uuid` is not enforced: the generated schemas put it on Keystone ids (32 hex digits,
  // or `default`), on server names and on other fields that are not UUIDs in the samples.
  ajv.addFormat('uuid', true);
  return ajv;
}

/**
 * Nova's patterns are Python regexes (`\ ` escapes, huge Unicode ranges) that JavaScript rejects
 * in `u` mode; try without it, and treat a pattern JavaScript cannot compile at all as "any".
 */
function pythonRegExp(pattern: string, flags: string): RegExp {
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      return new RegExp(pattern, f);
    } catch {
      /* next */
    }
  }
  return /(?:)/;
}
pythonRegExp.code = 'new RegExp';

/**
 * Where the generated schemas contradict the official samples about a property's type, per
 * service and property name: the property is widened when the spec types it as `string`
 * (Neutron's generator typed many list/dict/bool attributes as strings).
 */
const typeErrata: Partial<Record<OpenStackService, Record<string, string[]>>> = {
  network: {
    l2_adjacency: ['boolean'],
    dns_assignment: ['array'],
    conntrack_helpers: ['array'],
    port_details: ['object'],
    port_forwardings: ['array'],
    security_group_rules: ['array'],
    port_range_min: ['integer'],
    port_range_max: ['integer'],
    rules: ['array'],
  },
  // Nova sends `"swap": ""` for no swap before 2.75; the schema only allows digit strings.
  compute: { swap: ['integer', 'string'] },
};

/** Enum values the services send that the generated enums miss. */
const enumErrata: Partial<Record<OpenStackService, Record<string, string[]>>> = {
  // Nova records evacuations as migrations of type `evacuation` (nova/objects/migration.py).
  compute: { migration_type: ['evacuation'] },
};

function applyErrata(service: OpenStackService, node: Json): void {
  const errata = typeErrata[service] ?? {};
  const enums = enumErrata[service] ?? {};
  const visit = (n: Json): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    if (n.properties && typeof n.properties === 'object') {
      for (const [name, types] of Object.entries(errata)) {
        const p = n.properties[name];
        if (p && typeof p === 'object' && (p.type === 'string' || name === 'swap')) {
          n.properties[name] = {
            description: p.description,
            type: [...types, 'string'].filter((t, i, a) => a.indexOf(t) === i),
          };
        }
      }
      for (const [name, extra] of Object.entries(enums)) {
        const p = n.properties[name];
        if (p && Array.isArray(p.enum)) p.enum = [...p.enum, ...extra.filter((e) => !p.enum.includes(e))];
      }
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(node);
}

/** Rewrites draft-4 leftovers that Ajv's 2020 dialect rejects (`exclusiveMinimum: true` beside `minimum`). */
function normaliseSchemas(node: Json): Json {
  if (Array.isArray(node)) {
    node.forEach(normaliseSchemas);
    return node;
  }
  if (!node || typeof node !== 'object') return node;
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof node[bound] === 'boolean') {
      if (node[bound] && typeof node[limit] === 'number') {
        node[bound] = node[limit];
        delete node[limit];
      } else {
        delete node[bound];
      }
    }
  }
  // Octavia's generator wrote `additionalProperties: { type: { type: string } }` for string maps.
  const ap = node.additionalProperties;
  if (
    ap &&
    typeof ap === 'object' &&
    ap.type &&
    typeof ap.type === 'object' &&
    !Array.isArray(ap.type) &&
    Object.keys(ap).length === 1
  ) {
    node.additionalProperties = ap.type;
  }
  for (const v of Object.values(node)) normaliseSchemas(v);
  return node;
}

/** Properties that stay non-null in responses even though the generated schemas mark nothing required. */
const neverNull = new Set(['id', 'status']);

/**
 * The generated response schemas type fields as plain `string`/`integer`... with nothing
 * required, while the services (and their official samples) send `null` for unset fields
 * (`key_name`, `task_state`, `snapshot_id`...). Response validation therefore runs on a copy in
 * which every property except `id`/`status` also admits `null`, `additionalProperties: false`
 * is dropped (responses carry extension attributes the schemas omit, e.g. Nova's
 * `OS-FLV-DISABLED:disabled`) and `oneOf` becomes `anyOf` (variants overlap once open).
 * Requests stay strict.
 */
function nullableCopy(node: Json, key?: string, isProperty = false): Json {
  if (Array.isArray(node)) return node.map((n) => nullableCopy(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, nullableCopy(pv, pk, true)]));
    } else if (k === 'examples' || k === 'example' || k === 'description') {
      out[k] = v;
    } else if (k === 'additionalProperties' && v === false) {
      continue;
    } else if (k === 'oneOf') {
      out.anyOf = nullableCopy(v, k);
    } else {
      out[k] = nullableCopy(v, k);
    }
  }
  if (!isProperty || neverNull.has(key!)) return out;
  if (typeof out.type === 'string' && out.type !== 'null') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  else if (out.type === undefined && (out.$ref || out.oneOf || out.anyOf || out.allOf)) {
    return { anyOf: [out, { type: 'null' }] };
  }
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

function loadSpec(service: OpenStackService): LoadedSpec {
  const existing = loaded.get(service);
  if (existing) return existing;
  const file = specFiles[service];
  if (!file) throw new Error(`openstack-spec: unknown service ${service}`);
  const doc = normaliseSchemas(cachedParse(path.join(specDir(), file)));
  applyErrata(service, doc);
  const ajv = newAjv();
  ajv.addSchema(doc, docId(service));
  const responseAjv = newAjv();
  // Nova answers `"accessIPv4": ""` for an unset address.
  for (const f of ['ipv4', 'ipv6'] as const) {
    const re = fullFormats[f] as RegExp;
    responseAjv.addFormat(f, { type: 'string', validate: (v: string) => v === '' || re.test(v) });
  }
  responseAjv.addSchema(nullableCopy(doc), docId(service));
  const matchers = Object.keys(doc.paths ?? {}).map((template) => ({
    template,
    re: templateRegex(template),
    literals: template.split('/').filter((s) => s && !s.includes('{')).length,
  }));
  matchers.sort((a, b) => b.literals - a.literals);
  const spec: LoadedSpec = { service, doc, ajv, responseAjv, matchers, compiled: new Map() };
  loaded.set(service, spec);
  return spec;
}

const mountPrefixes: Record<OpenStackService, string> = {
  compute: '/compute',
  network: '/network',
  volume: '/volume',
  image: '/image',
  identity: '/identity',
  'load-balancer': '/load-balancer',
};

/** Candidate spec-relative paths for a concrete path or URL (prefix stripped, known variants added). */
function candidatePaths(service: OpenStackService, concrete: string): string[] {
  let p = concrete;
  if (/^https?:\/\//.test(p)) p = new URL(p).pathname;
  p = p.split('?')[0]!.replace(/\/{2,}/g, '/');
  const prefix = mountPrefixes[service];
  if (p === prefix || p.startsWith(`${prefix}/`)) p = p.slice(prefix.length) || '/';
  const out = [p];
  if (p.length > 1 && p.endsWith('/')) out.push(p.slice(0, -1));
  // Old-style Nova URLs carry the project id after the version (`/v2.1/<project>/servers`).
  const legacy = /^(\/v2(?:\.1)?)\/[0-9a-f]{32}(\/.*)?$/i.exec(p);
  if (service === 'compute' && legacy) out.push(`/v2.1${legacy[2] ?? '/'}`);
  // Cinder >= 3.67 also answers without the project id; the spec only lists `/v3/{project_id}/...`.
  if (service === 'volume' && /^\/v3\/[^/]+/.test(p)) out.push(p.replace(/^\/v3\//, '/v3/_/'));
  return out;
}

export function findOperation(service: OpenStackService, method: string, concretePath: string): Operation | undefined {
  const spec = loadSpec(service);
  const m = method.toLowerCase();
  for (const candidate of candidatePaths(service, concretePath)) {
    for (const { template, re } of spec.matchers) {
      if (!re.test(candidate)) continue;
      const op = spec.doc.paths[template]?.[m];
      if (op) return { service, method: m, template, op };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Variant selection

function pointer(parts: Array<string | number>): string {
  return '#/' + parts.map((p) => encodeURIComponent(String(p).replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function resolvePointer(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`openstack-spec: external $ref ${ref} not supported`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
  }
  return node;
}

interface Located {
  ref: string;
  schema: Json;
}

function deref(doc: Json, at: Located): Located {
  let cur = at;
  for (let i = 0; i < 20 && cur.schema && typeof cur.schema.$ref === 'string'; i++) {
    cur = { ref: cur.schema.$ref, schema: resolvePointer(doc, cur.schema.$ref) };
  }
  return cur;
}

function parseVersion(v: string): [number, number] {
  const [maj, min] = v.split('.').map((n) => Number.parseInt(n, 10));
  return [maj ?? 0, min ?? 0];
}

function cmpVersion(a: string, b: string): number {
  const [a1, a2] = parseVersion(a);
  const [b1, b2] = parseVersion(b);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

function inRange(xo: Json, mv: string): boolean {
  if (mv === 'latest') return !xo?.['max-ver'];
  if (xo?.['min-ver'] && cmpVersion(mv, xo['min-ver']) < 0) return false;
  if (xo?.['max-ver'] && cmpVersion(mv, xo['max-ver']) > 0) return false;
  return true;
}

/** The action name a variant (or a union of versions of one action) stands for. */
function actionOf(doc: Json, at: Located): string | undefined {
  const s = deref(doc, at).schema;
  return s?.['x-openstack']?.['action-name'];
}

/**
 * Expands `at` to the list of concrete schemas to try, narrowing `oneOf` unions by action and
 * microversion. Returns [] when the action is known but the union has no variant for it.
 */
function selectVariants(doc: Json, at: Located, opts: SpecOptions): Located[] {
  const cur = deref(doc, at);
  const union: Json[] | undefined = cur.schema?.oneOf;
  const variants = union?.map((_, i) => deref(doc, { ref: `${cur.ref}/oneOf/${i}`, schema: union[i] }));
  if (!union || !variants || variants.length === 0) return [cur];
  if (!variants.some((v) => isVariant(v.schema))) return [cur];

  let chosen = variants;
  const byAction = chosen.filter((v) => actionOf(doc, v) !== undefined);
  if (byAction.length > 0 && opts.action !== undefined) {
    chosen = byAction.filter((v) => actionOf(doc, v) === opts.action);
    if (chosen.length === 0) return [];
  }
  if (
    opts.microversion &&
    chosen.some((v) => v.schema?.['x-openstack']?.['min-ver'] || v.schema?.['x-openstack']?.['max-ver'])
  ) {
    const fitting = chosen.filter((v) => inRange(v.schema?.['x-openstack'], opts.microversion!));
    if (fitting.length > 0) chosen = fitting;
  }
  return chosen.flatMap((v) => selectVariants(doc, v, opts));
}

function isVariant(schema: Json): boolean {
  const xo = schema?.['x-openstack'];
  return !!xo && ('action-name' in xo || 'min-ver' in xo || 'max-ver' in xo || 'discriminator' in xo);
}

function label(ref: string): string {
  const m = /#\/components\/schemas\/(.+)$/.exec(ref);
  return m ? decodeURIComponent(m[1]!) : ref;
}

// ---------------------------------------------------------------------------------------------
// Validation

function compile(spec: LoadedSpec, ref: string, kind: Kind): ValidateFunction {
  const key = `${kind} ${ref}`;
  let fn = spec.compiled.get(key);
  if (!fn) {
    const ajv = kind === 'response' ? spec.responseAjv : spec.ajv;
    // Variant pointers are computed on the original document; the response copy renamed oneOf.
    const target = kind === 'response' ? ref.replace(/\/oneOf\//g, '/anyOf/') : ref;
    fn = ajv.compile({ $ref: `${docId(spec.service)}${target}` });
    spec.compiled.set(key, fn);
  }
  return fn;
}

type Kind = 'request' | 'response';

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 15).map((e) => {
    const where = e.instancePath || '(body)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
        : e.keyword === 'enum'
          ? ` ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`
          : '';
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
}

function validateAgainst(spec: LoadedSpec, candidates: Located[], body: unknown, kind: Kind): string[] {
  let best: { name: string; errors: string[] } | undefined;
  for (const c of candidates) {
    let fn: ValidateFunction;
    try {
      fn = compile(spec, c.ref, kind);
    } catch (err) {
      return [`the spec's schema ${label(c.ref)} cannot be compiled: ${(err as Error).message}`];
    }
    if (fn(body)) return [];
    const errors = formatErrors(fn.errors);
    if (!best || errors.length < best.errors.length) best = { name: label(c.ref), errors };
  }
  if (!best) return ['no schema to validate against'];
  const intro =
    candidates.length > 1 ? `matches none of ${candidates.length} variants; closest ${best.name}:` : `${best.name}:`;
  return [intro, ...best.errors.map((e) => `  ${e}`)];
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

function normaliseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function jsonSchemaOf(content: Json): { mediaType: string; schema: Json } | undefined {
  if (!content) return undefined;
  const json = Object.keys(content).find((k) => /json/.test(k));
  if (!json || !content[json]?.schema) return undefined;
  return { mediaType: json, schema: content[json].schema };
}

const faultChecks: Record<OpenStackService, (b: Json) => boolean> = {
  compute: novaFault,
  volume: novaFault,
  network: (b) => typeof b?.NeutronError?.message === 'string' && typeof b.NeutronError.type === 'string',
  identity: (b) => typeof b?.error?.message === 'string' && typeof b.error.code === 'number',
  'load-balancer': (b) => typeof b?.faultstring === 'string' || novaFault(b),
  // Glance answers errors in webob's text/html, or JSON when asked; accept anything.
  image: () => true,
};

function novaFault(b: Json): boolean {
  if (!b || typeof b !== 'object' || Array.isArray(b)) return false;
  const keys = Object.keys(b);
  return keys.length === 1 && typeof b[keys[0]!]?.message === 'string' && typeof b[keys[0]!]?.code === 'number';
}

const faultShapes: Record<OpenStackService, string> = {
  compute: '{ <faultName>: { code: number, message: string } }',
  volume: '{ <faultName>: { code: number, message: string } }',
  network: '{ NeutronError: { type, message, detail } }',
  identity: '{ error: { code: number, title, message } }',
  'load-balancer': '{ faultcode, faultstring, debuginfo }',
  image: 'any',
};

function schemaAt(spec: LoadedSpec, op: Operation, status: string): Located {
  const content = op.op.responses[status].content;
  const js = jsonSchemaOf(content)!;
  return {
    ref: pointer(['paths', op.template, op.method, 'responses', status, 'content', js.mediaType, 'schema']),
    schema: js.schema,
  };
}

function result(op: Operation | undefined, errors: string[]): ValidationResult {
  return {
    ok: errors.length === 0,
    errors: errors.join('\n'),
    operation: op ? `${op.method.toUpperCase()} ${op.template}` : undefined,
  };
}

/** Validates a response body (parsed JSON, JSON text or empty) against the operation's schema for `status`. */
export function validateResponse(
  service: OpenStackService,
  method: string,
  concretePath: string,
  status: number,
  body: unknown,
  opts: SpecOptions = {},
): ValidationResult {
  const spec = loadSpec(service);
  const op = findOperation(service, method, concretePath);
  if (!op) return result(op, [`no ${method.toUpperCase()} operation in the ${service} spec matches ${concretePath}`]);
  const data = normaliseBody(body);
  const responses = op.op.responses ?? {};
  let response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (response?.$ref) response = resolvePointer(spec.doc, response.$ref);

  if (status >= 400) {
    if (opts.checkFaultShape === false || isEmpty(data)) return result(op, []);
    const jsonSchema = jsonSchemaOf(response?.content);
    if (jsonSchema) {
      const ref = `${pointer(['paths', op.template, op.method, 'responses', String(status), 'content', jsonSchema.mediaType, 'schema'])}`;
      return result(op, validateAgainst(spec, [{ ref, schema: jsonSchema.schema }], data, 'response'));
    }
    return result(
      op,
      faultChecks[service](data)
        ? []
        : [`error body is not a ${service} fault ${faultShapes[service]}: ${JSON.stringify(data).slice(0, 200)}`],
    );
  }

  let schemaStatus = String(status);
  if (!response) {
    // The generated specs get success codes wrong (Keystone token create is 201, listed as 200;
    // Nova console actions answer 200, listed as 201), so an undocumented 2xx is checked against
    // the documented success bodies unless `strictStatus` is set.
    const documented = Object.keys(responses).filter((c) => c.startsWith('2'));
    const withBody = documented.filter((c) => jsonSchemaOf(responses[c]?.content));
    const where = `${method.toUpperCase()} ${op.template}`;
    if (opts.strictStatus || documented.length === 0) {
      return result(op, [
        `status ${status} is not documented for ${where} (documented: ${documented.join(', ') || 'none'})`,
      ]);
    }
    if (withBody.length === 0) {
      return result(
        op,
        isEmpty(data)
          ? []
          : [`no success status of ${where} has a body in the spec, got ${JSON.stringify(data).slice(0, 200)}`],
      );
    }
    const fallback = withBody.find((c) => selectVariants(spec.doc, schemaAt(spec, op, c), opts).length > 0);
    if (!fallback) {
      return result(op, isEmpty(data) ? [] : [`action ${opts.action} has no success body in the spec for ${where}`]);
    }
    schemaStatus = fallback;
    response = responses[fallback];
  }
  const jsonSchema = jsonSchemaOf(response.content);
  if (!jsonSchema) {
    if (isEmpty(data) || typeof data !== 'object') return result(op, []);
    return result(op, [
      `status ${status} of ${method.toUpperCase()} ${op.template} has no body in the spec, got ${JSON.stringify(data).slice(0, 200)}`,
    ]);
  }
  const ref = pointer([
    'paths',
    op.template,
    op.method,
    'responses',
    schemaStatus,
    'content',
    jsonSchema.mediaType,
    'schema',
  ]);
  const candidates = selectVariants(spec.doc, { ref, schema: jsonSchema.schema }, opts);
  if (candidates.length === 0) {
    // The action has no response body at this status (e.g. `reboot` answers 202 with nothing).
    return result(
      op,
      isEmpty(data)
        ? []
        : [`action ${opts.action} has no ${status} body in the spec, got ${JSON.stringify(data).slice(0, 200)}`],
    );
  }
  if (isEmpty(data)) {
    // Action responses are version-dependent in ways the spec keeps in prose ("Available until
    // version 2.13" for evacuate's adminPass), so an action may always answer without a body.
    const isAction = opts.action !== undefined || op.template.endsWith('/action');
    return result(op, isAction ? [] : [`expected a JSON body for status ${status}, got none`]);
  }
  return result(op, validateAgainst(spec, candidates, data, 'response'));
}

/** Validates a request body; for `.../action` the action is taken from the body's key unless given. */
export function validateRequest(
  service: OpenStackService,
  method: string,
  concretePath: string,
  body: unknown,
  opts: SpecOptions = {},
): ValidationResult {
  const spec = loadSpec(service);
  const op = findOperation(service, method, concretePath);
  if (!op) return result(op, [`no ${method.toUpperCase()} operation in the ${service} spec matches ${concretePath}`]);
  const data = normaliseBody(body);
  let requestBody = op.op.requestBody;
  if (requestBody?.$ref) requestBody = resolvePointer(spec.doc, requestBody.$ref);
  const jsonSchema = jsonSchemaOf(requestBody?.content);
  if (!jsonSchema) {
    return result(op, isEmpty(data) ? [] : [`${method.toUpperCase()} ${op.template} takes no JSON body in the spec`]);
  }
  if (isEmpty(data)) return result(op, requestBody?.required ? ['a request body is required'] : []);
  let action = opts.action;
  if (
    action === undefined &&
    data &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    Object.keys(data).length === 1
  ) {
    const ref0 = pointer(['paths', op.template, op.method, 'requestBody', 'content', jsonSchema.mediaType, 'schema']);
    const s = deref(spec.doc, { ref: ref0, schema: jsonSchema.schema }).schema;
    if (s?.['x-openstack']?.discriminator === 'action') action = Object.keys(data)[0];
  }
  const ref = pointer(['paths', op.template, op.method, 'requestBody', 'content', jsonSchema.mediaType, 'schema']);
  // Glance's PATCH body is typed `{ type: string, format: "RFC 6902" }`; check it as a JSON patch.
  if (deref(spec.doc, { ref, schema: jsonSchema.schema }).schema?.format === 'RFC 6902')
    return result(op, jsonPatchErrors(data));
  const candidates = selectVariants(spec.doc, { ref, schema: jsonSchema.schema }, { ...opts, action });
  if (candidates.length === 0) return result(op, [`action ${action} is not one the spec knows for ${op.template}`]);
  return result(op, validateAgainst(spec, candidates, data, 'request'));
}

function jsonPatchErrors(data: unknown): string[] {
  if (!Array.isArray(data)) return ['(body) must be a JSON patch (an array of operations)'];
  return data.flatMap((o, i) =>
    o &&
    typeof o === 'object' &&
    ['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(o.op) &&
    typeof o.path === 'string' &&
    (o.op === 'remove' || 'value' in o || 'from' in o)
      ? []
      : [`/${i} is not a JSON patch operation: ${JSON.stringify(o).slice(0, 100)}`],
  );
}

function describeCall(kind: string, service: string, method: string, p: string, extra: string): string {
  return `${kind} ${service} ${method.toUpperCase()} ${p}${extra}`;
}

/** Throws a readable error unless the response validates; for use inside jest tests. */
export function expectValidResponse(
  service: OpenStackService,
  method: string,
  concretePath: string,
  status: number,
  body: unknown,
  opts: SpecOptions = {},
): void {
  const r = validateResponse(service, method, concretePath, status, body, opts);
  if (!r.ok) {
    const mv = opts.microversion ? ` @${opts.microversion}` : '';
    throw new Error(
      `${describeCall('response of', service, method, concretePath, ` ${status}${mv}`)} does not match the spec${r.operation ? ` (${r.operation})` : ''}:\n${r.errors}`,
    );
  }
}

/** Alias of `expectValidResponse`. */
export const expectValid = expectValidResponse;

export function expectValidRequest(
  service: OpenStackService,
  method: string,
  concretePath: string,
  body: unknown,
  opts: SpecOptions = {},
): void {
  const r = validateRequest(service, method, concretePath, body, opts);
  if (!r.ok) {
    const mv = opts.microversion ? ` @${opts.microversion}` : '';
    throw new Error(
      `${describeCall('request to', service, method, concretePath, mv)} does not match the spec${r.operation ? ` (${r.operation})` : ''}:\n${r.errors}`,
    );
  }
}
