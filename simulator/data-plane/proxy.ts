import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Target } from './probes';

/** Ports below 1024 need root; without it a listener's port p is served on UNPRIVILEGED_OFFSET + p. */
export const UNPRIVILEGED_OFFSET = 10000;

export interface ProxySettings {
  /** Concurrent client connections allowed; -1 (or 0) is unlimited, as in Octavia. */
  connectionLimit: number;
  /** Whether new connections are served (listener and load balancer admin_state_up). */
  up: boolean;
  /** Milliseconds to wait for a member to accept. */
  connectTimeoutMs: number;
}

/**
 * One listener as a TCP proxy on loopback: every accepted connection goes to the next member in
 * round-robin order among those `backends()` names healthy; a member that refuses is skipped for the
 * next one. Above `connectionLimit` concurrent connections, new ones are reset at once.
 */
export class ListenerProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private active = 0;
  private next = 0;
  /** Port actually listened on (protocol_port, or its unprivileged mapping). */
  port = 0;
  refused = 0;
  served = 0;

  constructor(
    readonly address: string,
    readonly protocolPort: number,
    public settings: ProxySettings,
    private readonly backends: () => Target[],
  ) {}

  get activeConnections(): number {
    return this.active;
  }

  async start(): Promise<void> {
    try {
      this.port = await this.listen(this.protocolPort);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EACCES' || this.protocolPort >= 1024) throw e;
      this.port = await this.listen(UNPRIVILEGED_OFFSET + this.protocolPort);
    }
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((c) => this.accept(c));
      server.once('error', reject);
      server.listen(port, this.address, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        this.server = server;
        resolve(port);
      });
    });
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private accept(client: Socket): void {
    const { connectionLimit, up } = this.settings;
    if (!up || (connectionLimit > 0 && this.active >= connectionLimit)) {
      this.refused++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.active++;
    this.track(client);
    client.once('close', () => this.active--);
    client.on('error', () => client.destroy());
    client.pause();
    this.dial(client, this.rotation());
  }

  /** Healthy members starting at the round-robin position, which moves by one per connection. */
  private rotation(): Target[] {
    const all = this.backends();
    if (!all.length) return [];
    const start = this.next++ % all.length;
    return [...all.slice(start), ...all.slice(0, start)];
  }

  private dial(client: Socket, candidates: Target[]): void {
    const target = candidates.shift();
    if (!target || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.address, port: target.port });
    this.track(upstream);
    let connected = false;
    upstream.setTimeout(this.settings.connectTimeoutMs, () => {
      if (!connected) upstream.destroy(new Error('connect timeout'));
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      this.served++;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
    upstream.once('error', () => {
      upstream.destroy();
      if (!connected) this.dial(client, candidates);
      else client.destroy();
    });
  }

  /** Stops listening and drops every open connection, so the port refuses at once. */
  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
