import { request } from 'node:http';
import { connect } from 'node:net';
import type { HealthMonitorRecord } from '../load-balancer/model';

export interface Target {
  address: string;
  port: number;
}

/** Octavia's `expected_codes`: `200`, `200,202` or `200-204`. */
export function codeExpected(expected: string | null, code: number): boolean {
  return (expected ?? '200').split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    return hi === undefined ? code === lo : code >= lo! && code <= hi;
  });
}

/**
 * Calls `fail` at once when `signal` aborts (the data plane stopping); the returned function
 * unhooks it when the check is over, so a long-lived signal gathers no listeners.
 */
function onAbort(signal: AbortSignal | undefined, fail: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    queueMicrotask(fail);
    return () => undefined;
  }
  signal.addEventListener('abort', fail, { once: true });
  return () => signal.removeEventListener('abort', fail);
}

function tcpProbe(t: Target, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: t.address, port: t.port });
    let settled = false;
    let unhook = () => undefined as void;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      unhook();
      s.destroy();
      resolve(ok);
    };
    unhook = onAbort(signal, () => done(false));
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function httpProbe(t: Target, hm: HealthMonitorRecord, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let unhook = () => undefined as void;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      unhook();
      req.destroy();
      resolve(ok);
    };
    const req = request(
      { host: t.address, port: t.port, method: hm.http_method ?? 'GET', path: hm.url_path ?? '/', agent: false },
      (res) => {
        res.resume();
        done(codeExpected(hm.expected_codes, res.statusCode ?? 0));
      },
    );
    unhook = onAbort(signal, () => done(false));
    req.setTimeout(timeoutMs, () => done(false));
    req.once('error', () => done(false));
    req.end();
  });
}

/**
 * One check of a member as the amphora's HAProxy makes it: HTTP(S) monitors send `http_method url_path`
 * and compare the status with `expected_codes` (HTTPS is checked as plain HTTP: the data plane has no
 * TLS), TCP and TLS-HELLO monitors open a connection. Other types (PING, UDP-CONNECT, SCTP) cannot be
 * sent over a loopback TCP data plane and are not probed (undefined). `signal` aborts the check: its
 * connection is closed at once and the check counts as failed.
 */
export function probe(hm: HealthMonitorRecord, t: Target, signal?: AbortSignal): Promise<boolean> | undefined {
  const timeoutMs = Math.max(1, hm.timeout) * 1000;
  if (hm.type === 'HTTP' || hm.type === 'HTTPS') return httpProbe(t, hm, timeoutMs, signal);
  if (hm.type === 'TCP' || hm.type === 'TLS-HELLO') return tcpProbe(t, timeoutMs, signal);
  return undefined;
}
