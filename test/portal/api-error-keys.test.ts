/**
 * Every error code the API can answer has a text `apiError.<code>` in both portal languages: the codes are
 * collected by a static scan of the server's source (every `new ApiError(status, code, …)`, the helpers of
 * api/lib/api-error.ts included; a code held in a variable is resolved to the literals it can take). And the
 * portal shows that text with the answer's values, or the API's own message for a code it does not know.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import ts from 'typescript';
import { apiErrorText } from '../../web/src/api/error-text';
import { en } from '../../web/src/i18n/en';
import { zh } from '../../web/src/i18n/zh';

const root = path.resolve(__dirname, '..', '..');
/** The server's source: the API and the modules it shares. */
const serverDirs = ['api', 'domain', 'activities', 'config'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : tsFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

interface Scan {
  codes: Map<string, string[]>; // code → where it is emitted
  unresolved: string[]; // places whose code the scan cannot read
}

function scanApiErrorCodes(): Scan {
  const codes = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of serverDirs.flatMap((d) => tsFiles(path.join(root, d)))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('ApiError')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const where = (n: ts.Node) =>
      `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    /** The initializer of the `const`/`let` named `name` in the nearest block around `at` that declares one. */
    const initializerOf = (name: string, at: ts.Node): ts.Expression | undefined => {
      for (let n: ts.Node | undefined = at; n; n = n.parent) {
        if (!ts.isBlock(n) && !ts.isSourceFile(n)) continue;
        for (const statement of n.statements)
          if (ts.isVariableStatement(statement))
            for (const d of statement.declarationList.declarations)
              if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
      }
      return undefined;
    };
    /** The string literals an expression can evaluate to, or undefined when it is not that simple. */
    const literals = (e: ts.Expression, seen = new Set<string>()): string[] | undefined => {
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
      if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return literals(e.expression, seen);
      if (ts.isConditionalExpression(e)) {
        const a = literals(e.whenTrue, seen);
        const b = literals(e.whenFalse, seen);
        return a && b ? [...a, ...b] : undefined;
      }
      if (ts.isIdentifier(e) && !seen.has(e.text)) {
        const init = initializerOf(e.text, e);
        return init && literals(init, new Set([...seen, e.text]));
      }
      return undefined;
    };
    const visit = (n: ts.Node) => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'ApiError') {
        const arg = n.arguments?.[1];
        const found = arg && literals(arg);
        if (!found) unresolved.push(where(n));
        for (const code of found ?? []) codes.set(code, [...(codes.get(code) ?? []), where(n)]);
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return { codes, unresolved };
}

const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort((a, b) => a.localeCompare(b));

describe('apiError.<code> keys', () => {
  const scan = scanApiErrorCodes();
  const dictionaries = { en: en.apiError as Record<string, string>, zh: zh.apiError as Record<string, string> };

  it('reads every error code of the API (the helpers, a code in a variable)', () => {
    expect(scan.unresolved).toEqual([]);
    for (const code of ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'validation_failed'])
      expect(scan.codes.get(code)?.some((w) => w.startsWith('api/lib/api-error.ts'))).toBe(true);
    // errors.ts maps a thrown HTTPException to a code held in a variable.
    expect(scan.codes.get('payload_too_large')?.some((w) => w.startsWith('api/middleware/errors.ts'))).toBe(true);
    expect(scan.codes.get('internal')?.length).toBeGreaterThanOrEqual(2);
  });

  it.each(['en', 'zh'] as const)('every code has a key in %s', (lang) => {
    const missing = [...scan.codes].filter(([code]) => typeof dictionaries[lang][code] !== 'string');
    expect(missing.map(([code, where]) => `apiError.${code} (emitted at ${where.join(', ')})`)).toEqual([]);
  });

  it('no key is left for a code the API no longer emits', () => {
    for (const lang of ['en', 'zh'] as const)
      expect(Object.keys(dictionaries[lang]).filter((code) => !scan.codes.has(code))).toEqual([]);
  });

  it('both languages take the same parameters for each code', () => {
    for (const code of Object.keys(dictionaries.en))
      expect([code, placeholders(dictionaries.zh[code] ?? '')]).toEqual([code, placeholders(dictionaries.en[code])]);
  });
});

describe('the text the portal shows for an API error', () => {
  const i18n = i18next.createInstance();
  beforeAll(() =>
    i18n.init({
      resources: { en: { translation: en }, zh: { translation: zh } },
      lng: 'zh',
      fallbackLng: false,
      interpolation: { escapeValue: false },
    }),
  );

  it('is the key of a known code in the user language, with the values of the answer', async () => {
    const e = { status: 404, code: 'not_found', message: 'volume v1 not found', details: null };
    expect(apiErrorText(i18n, e)).toBe('未找到：volume v1 not found');
    const limited = {
      status: 429,
      code: 'rate_limited',
      message: 'too many requests; try again in 7 s',
      details: { scope: 'ip', limit: 10, windowSeconds: 60, retryAfterSeconds: 7 },
    };
    expect(apiErrorText(i18n, limited)).toBe('请求过于频繁，请在 7 秒后重试。');
    await i18n.changeLanguage('en');
    expect(apiErrorText(i18n, limited)).toBe('Too many requests; try again in 7 s.');
    expect(apiErrorText(i18n, { status: 422, code: 'captcha_required', message: 'a captcha is required: …' })).toBe(
      'Please enter the captcha.',
    );
    await i18n.changeLanguage('zh');
  });

  it("is the API's own message for an unknown code, no code, or a text whose value the answer lacks", () => {
    expect(apiErrorText(i18n, { status: 418, code: 'teapot_refused', message: 'I am a teapot' })).toBe('I am a teapot');
    expect(apiErrorText(i18n, { status: 502, code: null, message: 'HTTP 502' })).toBe('HTTP 502');
    expect(apiErrorText(i18n, { status: 400, code: 'shell.title', message: 'not a code' })).toBe('not a code');
    expect(apiErrorText(i18n, { status: 429, code: 'account_locked', message: 'locked', details: null })).toBe(
      'locked',
    );
  });
});
