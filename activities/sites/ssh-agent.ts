import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';
import type { PackageFormat } from '../../domain/sites/archive-entries';
import {
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
  readyTimeoutMs?: number;
}

export const sshKeyFingerprint = (key: Buffer) =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/**
 * A shared host reached over SSH (the `ssh2` package): every operation of the host agent is one exec of the
 * host's agent command, which runs the same local agent there (its web stack detached, so it outlives the call).
 * The request is a line of JSON on standard input (a package's bytes follow it), the answer a line of JSON.
 */
export class SshHostAgent implements HostAgent {
  private client: Promise<Client> | null = null;

  constructor(private readonly s: SshAgentSettings) {}

  private connect(): Promise<Client> {
    this.client ??= new Promise<Client>((resolve, reject) => {
      const c = new Client();
      const config: ConnectConfig = {
        host: this.s.host,
        port: this.s.port,
        username: this.s.username,
        privateKey: this.s.privateKey,
        readyTimeout: this.s.readyTimeoutMs ?? 15_000,
        hostVerifier: (key: Buffer) => sshKeyFingerprint(key) === this.s.hostKeySha256,
      };
      c.once('ready', () => resolve(c));
      c.once('error', (e) => {
        this.client = null;
        reject(new Error(`ssh ${this.s.username}@${this.s.host}:${this.s.port}: ${e.message}`, { cause: e }));
      });
      c.once('close', () => (this.client = null));
      c.connect(config);
    });
    return this.client;
  }

  private async call<T>(req: AgentRequest, file?: string): Promise<T> {
    const c = await this.connect();
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
      (resolve, reject) => {
        c.exec(this.s.command, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          let errText = '';
          stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
          stream.stderr.on('data', (d: Buffer) => (errText = (errText + d.toString('utf8')).slice(-4000)));
          stream.on('close', (exitCode: number | null) => resolve({ stdout: out, stderr: errText, code: exitCode }));
          stream.write(`${JSON.stringify(req)}\n`);
          if (!file) stream.end();
          else {
            const input = createReadStream(file);
            input.on('error', (e) => (stream.destroy(), reject(e)));
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
