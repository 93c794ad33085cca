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

function tcpProbe(t: Target, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: t.address, port: t.port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function httpProbe(t: Target, hm: HealthMonitorRecord, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
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
    req.setTimeout(timeoutMs, () => done(false));
    req.once('error', () => done(false));
    req.end();
  });
}

/**
 * One check of a member as the amphora's HAProxy makes it: HTTP(S) monitors send `http_method url_path`
 * and compare the status with `expected_codes` (HTTPS is checked as plain HTTP: the data plane has no
 * TLS), TCP and TLS-HELLO monitors open a connection. Other types (PING, UDP-CONNECT, SCTP) cannot be
 * sent over a loopback TCP data plane and are not probed (undefined).
 */
export function probe(hm: HealthMonitorRecord, t: Target): Promise<boolean> | undefined {
  const timeoutMs = Math.max(1, hm.timeout) * 1000;
  if (hm.type === 'HTTP' || hm.type === 'HTTPS') return httpProbe(t, hm, timeoutMs);
  if (hm.type === 'TCP' || hm.type === 'TLS-HELLO') return tcpProbe(t, timeoutMs);
  return undefined;
}
