import { Hono } from 'hono';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, conflict, notFound } from './errors';
import { requireObject, schemaError } from './validation';
import { checkKeypairQuota } from './quota';
import type { Keypair } from './model';

/** MD5 fingerprint of an OpenSSH public key, as Nova prints it. */
function fingerprint(publicKey: string): string {
  const b64 = publicKey.trim().split(/\s+/)[1] ?? publicKey;
  const hex = createHash('md5').update(Buffer.from(b64, 'base64')).digest('hex');
  return hex.match(/../g)!.join(':');
}

function generate(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x!, 'base64url');
  const type = Buffer.from('ssh-ed25519');
  const len = (b: Buffer) => {
    const l = Buffer.alloc(4);
    l.writeUInt32BE(b.length);
    return l;
  };
  const blob = Buffer.concat([len(type), type, len(raw), raw]);
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} Generated-by-Nova`,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** os-keypairs: per-user key pairs. */
export function keypairsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const userOf = (c: ComputeContext) => {
    const q = c.req.query('user_id');
    if (q && c.get('mv') >= 10 && c.get('auth').isAdmin) return q;
    return c.get('auth').userId;
  };
  const view = (c: ComputeContext, k: Keypair, detail: boolean) => {
    const mv = c.get('mv');
    const v: Record<string, unknown> = { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint };
    if (mv >= 2) v.type = k.type;
    if (detail)
      Object.assign(v, {
        user_id: k.userId,
        created_at: k.createdAt,
        deleted: false,
        deleted_at: null,
        updated_at: null,
        id: k.id,
      });
    return v;
  };

  app.get('/os-keypairs', (c) => {
    const user = userOf(c);
    let list = [...svc.store.keypairs.values()]
      .filter((k) => k.userId === user)
      .sort((a, b) => a.name.localeCompare(b.name));
    const q = c.req.query();
    if (c.get('mv') >= 35 && q.marker) {
      const i = list.findIndex((k) => k.name === q.marker);
      if (i < 0) throw badRequest(`Marker ${q.marker} could not be found.`);
      list = list.slice(i + 1);
    }
    const limit = c.get('mv') >= 35 && q.limit ? Number(q.limit) : undefined;
    const page = limit !== undefined ? list.slice(0, limit) : list;
    return c.json({ keypairs: page.map((k) => ({ keypair: view(c, k, false) })) });
  });

  app.post('/os-keypairs', async (c) => {
    const mv = c.get('mv');
    const k = requireObject(await readJsonBody(c, badRequest), 'keypair');
    const name = k.name;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9 _.@-]{1,255}$/.test(name))
      throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
    const user = mv >= 10 && c.get('auth').isAdmin && typeof k.user_id === 'string' ? k.user_id : c.get('auth').userId;
    const type = (k.type as string | undefined) ?? 'ssh';
    if (mv >= 2 && !['ssh', 'x509'].includes(type))
      throw schemaError('keypair/type', type, "is not one of ['ssh', 'x509']");
    if (svc.store.keypairs.has(`${user}/${name}`)) throw conflict(`Key pair '${name}' already exists.`);
    checkKeypairQuota(svc, c.get('auth').projectId, user);
    let publicKey = typeof k.public_key === 'string' ? k.public_key : undefined;
    let privateKey: string | undefined;
    if (!publicKey) {
      if (mv >= 92)
        throw badRequest(
          `Invalid input for field/attribute keypair. Value: ${JSON.stringify(k)}. 'public_key' is a required property`,
        );
      ({ publicKey, privateKey } = generate());
    } else if (type === 'ssh' && !/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) [A-Za-z0-9+/=]+/.test(publicKey.trim())) {
      throw badRequest('Keypair data is invalid: failed to generate fingerprint');
    }
    const kp: Keypair = {
      name,
      userId: user,
      type: type as Keypair['type'],
      publicKey,
      fingerprint: fingerprint(publicKey),
      createdAt: svc.cloud.isoNow(),
      id: ++svc.store.seq.keypair,
    };
    svc.store.keypairs.set(`${user}/${name}`, kp);
    const v = view(c, kp, false);
    v.user_id = user;
    if (privateKey) v.private_key = privateKey;
    return c.json({ keypair: v }, mv >= 2 ? 201 : 200);
  });

  app.get('/os-keypairs/:name', (c) => {
    const k = svc.store.keypairs.get(`${userOf(c)}/${c.req.param('name')}`);
    if (!k) throw notFound(`Keypair ${c.req.param('name')} not found for user ${userOf(c)}`);
    return c.json({ keypair: view(c, k, true) });
  });

  app.delete('/os-keypairs/:name', (c) => {
    const key = `${userOf(c)}/${c.req.param('name')}`;
    if (!svc.store.keypairs.delete(key))
      throw notFound(`Keypair ${c.req.param('name')} not found for user ${userOf(c)}`);
    return c.body(null, c.get('mv') >= 2 ? 204 : 202);
  });
  return app;
}
