import { get } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Helpers for the data-plane suites: plain TCP and HTTP on loopback, one new connection each. */

/** One GET on a new connection (no keep-alive): status and body. */
export function httpGet(address: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: address, port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(3000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** The body of one GET / on a new connection. */
export async function fetchVia(address: string, port: number): Promise<string> {
  return (await httpGet(address, port)).body;
}

/** Opens a connection and resolves once it is established (the proxy has accepted it). */
export function openSocket(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: address, port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the error code of a connection attempt that must fail (ECONNREFUSED when nothing listens). */
export function refusal(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}
