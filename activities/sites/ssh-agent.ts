import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { PackageFormat } from '../../domain/sites/archive-entries';
import {
  SiteHostUnreachableError,
  SiteQuotaError,
  type FtpAccess,
  type HostAgent,
  type SiteLayout,
  type SiteSpace,
  type UnpackedRelease,
} from './agent';
import type { AgentAnswer, AgentRequest } from './agent-cli';

export interface SshAgentSettings {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** The host's key as `SHA256:<base64>` (what `ssh-keygen -lf` prints): any other key is refused. */
  hostKeySha256: string;
  /** The host agent's command on the host (agent-cli with its settings file). */
  command: string;
  /** TCP connect and SSH handshake together (ssh2's `readyTimeout`): 15 s by default. */
  connectTimeoutMs?: number;
  /** Once connected, an SSH keepalive this often (10 s by default)... */
  keepaliveIntervalMs?: number;
  /** ...and the connection dropped after this many unanswered in a row (3 by default). */
  keepaliveCountMax?: number;
  /**
   * One operation (one exec of the agent command), from its start to its answer: 90 s by default, under the site
   * activities' two minutes, so a hung host fails the attempt (retried) rather than the activity's timeout.
   */
  commandTimeoutMs?: number;
}

export const sshKeyFingerprint = (key: Buffer) =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** ssh2's levels of a failure to reach the host (as opposed to a refused key or login). */
const transportLevels = new Set(['client-timeout', 'client-socket', 'client-dns']);

/** The secrets a request carries (an FTP password, the database credentials in a site's environment). */
function secretsOf(req: AgentRequest): string[] {
  const env = Object.entries(req.env ?? {})
    .filter(([k]) => /PASS|SECRET|TOKEN|KEY/i.test(k))
    .map(([, v]) => v);
  return [req.password ?? '', ...env].filter((v) => v.length >= 4);
}

/** `text` with every secret (also JSON-escaped, as an echoed request holds it) replaced. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const v of secrets)
    for (const form of new Set([v, JSON.stringify(v).slice(1, -1)])) out = out.split(form).join('[redacted]');
  return out;
}

/**
 * A shared host reached over SSH (the `ssh2` package): every operation of the host agent is one exec of the
 * host's agent command, which runs the same local agent there (its web stack detached, so it outlives the call).
 * The request is a line of JSON on standard input (a package's bytes follow it), the answer a line of JSON.
 * A host that does not answer (connect, handshake, keepalive, or one operation past its timeout) fails the call with
 * a SiteHostUnreachableError (retryable); no error's text holds a secret of the request.
 */
export class SshHostAgent implements HostAgent {
  private client: Promise<Client> | null = null;

  constructor(private readonly s: SshAgentSettings) {}

  private get where(): string {
    return `${this.s.username}@${this.s.host}:${this.s.port}`;
  }

  private connect(): Promise<Client> {
    if (this.client) return this.client;
    const connectTimeout = this.s.connectTimeoutMs ?? 15_000;
    const pending = new Promise<Client>((resolve, reject) => {
      const c = new Client();
      // Every call on the connection waits for its close.
      c.setMaxListeners(0);
      let ready = false;
      const config: ConnectConfig = {
        host: this.s.host,
        port: this.s.port,
        username: this.s.username,
        privateKey: this.s.privateKey,
        readyTimeout: connectTimeout,
        keepaliveInterval: this.s.keepaliveIntervalMs ?? 10_000,
        keepaliveCountMax: this.s.keepaliveCountMax ?? 3,
        hostVerifier: (key: Buffer) => sshKeyFingerprint(key) === this.s.hostKeySha256,
      };
      c.on('ready', () => {
        ready = true;
        resolve(c);
      });
      // Also after 'ready' (a keepalive timeout, a reset socket): the connection then closes, which fails its calls.
      c.on('error', (e: Error & { level?: string }) => {
        (c as Client & { lastError?: Error }).lastError = e;
        if (ready) return;
        if (this.client === pending) this.client = null;
        if (e.level && transportLevels.has(e.level)) {
          const what = /handshake/i.test(e.message)
            ? `no SSH handshake within ${connectTimeout} ms`
            : `the host cannot be reached (${e.message})`;
          reject(new SiteHostUnreachableError(`ssh ${this.where}: ${what}; retried`, { cause: e }));
        } else reject(new Error(`ssh ${this.where}: ${e.message}`, { cause: e }));
      });
      c.on('close', () => {
        if (this.client === pending) this.client = null;
        if (!ready)
          reject(
            new SiteHostUnreachableError(`ssh ${this.where}: the connection closed before the handshake; retried`),
          );
      });
      c.connect(config);
    });
    this.client = pending;
    return pending;
  }

  /** `file`: a package sent after the request; `outFile`: where the bytes after the answer's line go (exportRelease). */
  private async call<T>(req: AgentRequest, file?: string, outFile?: string): Promise<T> {
    const secrets = secretsOf(req);
    try {
      return await this.exec<T>(req, file, outFile);
    } catch (e) {
      const err = e as Error;
      if (secrets.length === 0 || err instanceof SiteQuotaError) throw err;
      const message = redact(err.message, secrets);
      if (message === err.message) throw err;
      throw err instanceof SiteHostUnreachableError ? new SiteHostUnreachableError(message) : new Error(message);
    }
  }

  private async exec<T>(req: AgentRequest, file?: string, outFile?: string): Promise<T> {
    const c = await this.connect();
    const limit = this.s.commandTimeoutMs ?? 90_000;
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
      (resolve, reject) => {
        let channel: ClientChannel | undefined;
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          c.off('close', onClose);
          fn();
        };
        const abandon = () => {
          // The command is given up: its channel closed (an agent command on the host ends with its standard input).
          try {
            channel?.signal('KILL');
            channel?.close();
          } catch {
            // the connection is already gone
          }
        };
        const timer = setTimeout(
          () =>
            settle(() => {
              abandon();
              reject(
                new SiteHostUnreachableError(
                  `the host agent on ${this.where} did not answer ${req.op} within ${limit} ms; retried`,
                ),
              );
            }),
          limit,
        );
        const onClose = () =>
          settle(() => {
            const last = (c as Client & { lastError?: Error }).lastError;
            reject(
              new SiteHostUnreachableError(
                `ssh ${this.where}: the connection ended during ${req.op}${last ? ` (${last.message})` : ''}; retried`,
              ),
            );
          });
        c.on('close', onClose);
        c.exec(this.s.command, (err, stream) => {
          if (err)
            return settle(() =>
              reject(new SiteHostUnreachableError(`ssh ${this.where}: ${req.op} could not start: ${err.message}`)),
            );
          if (settled) {
            channel = stream;
            return abandon();
          }
          channel = stream;
          let out = '';
          let errText = '';
          // With outFile, the answer is the first line and what follows it the file's bytes.
          let sink: WriteStream | null = null;
          let head: Buffer | null = outFile ? Buffer.alloc(0) : null;
          stream.on('data', (d: Buffer) => {
            if (sink) return void sink.write(d);
            if (!head) return void (out = (out + d.toString('utf8')).slice(-1_000_000));
            head = Buffer.concat([head, d]);
            const nl = head.indexOf(10);
            if (nl < 0) return;
            out = head.subarray(0, nl + 1).toString('utf8');
            sink = createWriteStream(outFile!);
            sink.on('error', (e) => settle(() => (abandon(), reject(e))));
            sink.write(head.subarray(nl + 1));
            head = null;
          });
          stream.stderr.on('data', (d: Buffer) => (errText = (errText + d.toString('utf8')).slice(-4000)));
          stream.on('close', (exitCode: number | null) => {
            const done = () => settle(() => resolve({ stdout: out, stderr: errText, code: exitCode }));
            if (sink) sink.end(done);
            else done();
          });
          stream.write(`${JSON.stringify(req)}\n`);
          if (!file) stream.end();
          else {
            const input = createReadStream(file);
            input.on('error', (e) => settle(() => (abandon(), reject(e))));
            input.pipe(stream);
          }
        });
      },
    );
    const line = stdout.trim().split('\n').pop() ?? '';
    let answer: AgentAnswer;
    try {
      answer = JSON.parse(line) as AgentAnswer;
    } catch {
      throw new Error(`the host agent on ${this.s.host} answered no result (exit ${code}): ${stderr.trim()}`);
    }
    if (answer.ok && outFile) {
      const { bytes } = answer.result as { bytes: number };
      const got = (await stat(outFile).catch(() => null))?.size ?? -1;
      if (got !== bytes)
        throw new SiteHostUnreachableError(`${req.op} on ${this.where}: ${got} of ${bytes} bytes came; retried`);
      return undefined as T;
    }
    if (answer.ok) return answer.result as T;
    if (answer.quota) throw new SiteQuotaError(answer.quota.neededBytes, answer.quota.freeBytes);
    throw new Error(answer.error);
  }

  ensureStack(): Promise<{ httpPort: number }> {
    return this.call({ op: 'ensureStack' });
  }
  createSite(space: SiteSpace, env: Record<string, string> = {}): Promise<SiteLayout> {
    return this.call({ op: 'createSite', space, env });
  }
  usageBytes(space: SiteSpace): Promise<number> {
    return this.call({ op: 'usageBytes', space });
  }
  unpackRelease(space: SiteSpace, archive: string, format: PackageFormat, number: number): Promise<UnpackedRelease> {
    return this.call({ op: 'unpackRelease', space, format, number }, archive);
  }
  activateRelease(space: SiteSpace, number: number): Promise<number | null> {
    return this.call({ op: 'activateRelease', space, number });
  }
  deactivateRelease(space: SiteSpace): Promise<number | null> {
    return this.call({ op: 'deactivateRelease', space });
  }
  removeRelease(space: SiteSpace, number: number): Promise<void> {
    return this.call({ op: 'removeRelease', space, number });
  }
  exportRelease(space: SiteSpace, number: number, toFile: string): Promise<void> {
    return this.call({ op: 'exportRelease', space, number }, undefined, toFile);
  }
  ensureFtpAccount(space: SiteSpace, password: string): Promise<FtpAccess | null> {
    return this.call({ op: 'ensureFtpAccount', space, password });
  }
  removeSite(space: SiteSpace): Promise<void> {
    return this.call({ op: 'removeSite', space });
  }
  /** Stops the host's web stack, then closes the connection. */
  async stop(): Promise<void> {
    try {
      await this.call({ op: 'stop' });
    } finally {
      await this.close();
    }
  }

  /** Closes the SSH connection (the host's web stack goes on). */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) (await c.catch(() => null))?.end();
  }
}
