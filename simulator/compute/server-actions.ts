import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { Server } from './model';
import { badRequest, conflict } from './errors';
import { guard, requireAdmin } from './guards';
import { PowerState, VmState } from './state-map';
import { schemaError, validMetadata, validName, optString } from './validation';
import { liveMigrate, coldMigrate, confirmResize, revertResize, evacuate } from './migration-actions';
import { consoleUrl } from './consoles';
import { rescue, shelve, shelveOffload, unrescue, unshelve } from './shelve-rescue-actions';
import { serverDetailView } from './server-view';

type Obj = Record<string, unknown>;
type Handler = (c: ComputeContext, s: Server, arg: unknown) => Response | Promise<Response>;

/** POST /servers/{id}/action: one key names the action, as in Nova. */
export function serverActionRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const o = svc.cloud.options;
  const ctx = (c: ComputeContext) => ({ userId: c.get('auth').userId, requestId: c.get('requestId') });

  /** Sets a task now and the final state after `ms`. */
  const transition = (
    c: ComputeContext,
    s: Server,
    action: string,
    task: string,
    done: { vm: string; power: number },
    ms = o.actionMs,
  ) => {
    const a = svc.store.recordAction(s, action, ctx(c));
    const g = svc.setState(s, s.vmState, task);
    svc.after(s, g, ms, () => {
      svc.setState(s, done.vm, null, done.power);
      svc.store.finishAction(a, true);
    });
  };
  const accepted = (c: ComputeContext) => c.body(null, 202);

  const actions: Record<string, Handler> = {
    'os-start': (c, s) => {
      guard(c, s, 'os-start', [VmState.STOPPED]);
      transition(c, s, 'start', 'powering-on', { vm: VmState.ACTIVE, power: PowerState.RUNNING });
      return accepted(c);
    },
    'os-stop': (c, s) => {
      guard(c, s, 'os-stop', [VmState.ACTIVE, VmState.ERROR]);
      transition(c, s, 'stop', 'powering-off', { vm: VmState.STOPPED, power: PowerState.SHUTDOWN });
      return accepted(c);
    },
    reboot: (c, s, arg) => {
      const type = (arg as Obj | null)?.type;
      if (typeof type !== 'string' || !['SOFT', 'HARD'].includes(type.toUpperCase()))
        throw schemaError(
          'reboot/type',
          type ?? null,
          "is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
        );
      if (type.toUpperCase() === 'SOFT') {
        guard(c, s, 'reboot', [VmState.ACTIVE], [null]);
        transition(c, s, 'reboot', 'rebooting', { vm: VmState.ACTIVE, power: PowerState.RUNNING });
      } else {
        guard(
          c,
          s,
          'reboot',
          [VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED, VmState.SUSPENDED, VmState.ERROR],
          [
            null,
            'rebooting',
            'reboot_pending',
            'reboot_started',
            'rebooting_hard',
            'reboot_pending_hard',
            'reboot_started_hard',
          ],
        );
        transition(c, s, 'reboot', 'rebooting_hard', { vm: VmState.ACTIVE, power: PowerState.RUNNING });
      }
      return accepted(c);
    },
    pause: (c, s) => {
      guard(c, s, 'pause', [VmState.ACTIVE]);
      transition(c, s, 'pause', 'pausing', { vm: VmState.PAUSED, power: PowerState.PAUSED });
      return accepted(c);
    },
    unpause: (c, s) => {
      guard(c, s, 'unpause', [VmState.PAUSED]);
      transition(c, s, 'unpause', 'unpausing', { vm: VmState.ACTIVE, power: PowerState.RUNNING });
      return accepted(c);
    },
    suspend: (c, s) => {
      guard(c, s, 'suspend', [VmState.ACTIVE]);
      transition(c, s, 'suspend', 'suspending', { vm: VmState.SUSPENDED, power: PowerState.SUSPENDED });
      return accepted(c);
    },
    resume: (c, s) => {
      guard(c, s, 'resume', [VmState.SUSPENDED]);
      transition(c, s, 'resume', 'resuming', { vm: VmState.ACTIVE, power: PowerState.RUNNING });
      return accepted(c);
    },
    lock: (c, s, arg) => {
      const reason =
        c.get('mv') >= 73 && arg && typeof arg === 'object' ? optString(arg as Obj, 'locked_reason') : undefined;
      svc.store.recordAction(s, 'lock', ctx(c));
      s.locked = true;
      s.lockedReason = reason ?? null;
      s.updatedAt = svc.cloud.isoNow();
      return accepted(c);
    },
    unlock: (c, s) => {
      svc.store.recordAction(s, 'unlock', ctx(c));
      s.locked = false;
      s.lockedReason = null;
      s.updatedAt = svc.cloud.isoNow();
      return accepted(c);
    },
    changePassword: (c, s, arg) => {
      const pw = (arg as Obj | null)?.adminPass;
      if (typeof pw !== 'string')
        throw badRequest(
          "Invalid input for field/attribute changePassword. Value: None. 'adminPass' is a required property",
        );
      guard(c, s, 'changePassword', [VmState.ACTIVE]);
      s.adminPass = pw;
      transition(c, s, 'changePassword', 'updating_password', { vm: VmState.ACTIVE, power: s.powerState });
      return accepted(c);
    },
    createImage: (c, s, arg) => {
      const a = (arg ?? {}) as Obj;
      const name = validName(a.name, 'createImage/name');
      const metadata = a.metadata === undefined ? {} : validMetadata(a.metadata, 'createImage/metadata');
      guard(c, s, 'createImage', [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED]);
      const auth = c.get('auth');
      const imageId = svc.images.createSnapshot(auth, {
        name,
        serverId: s.id,
        metadata,
        sizeBytes: s.flavor.disk * 1024 ** 3,
        minDisk: s.flavor.disk,
        minRam: 0,
      });
      const act = svc.store.recordAction(s, 'createImage', ctx(c));
      const g = svc.setState(s, s.vmState, 'image_snapshot');
      svc.after(s, g, o.actionMs, () => {
        svc.setState(s, s.vmState, null);
        svc.store.finishAction(act, true);
      });
      const href = `${new URL(c.req.url).origin}/image/v2/images/${imageId}`;
      if (c.get('mv') >= 45) return c.json({ image_id: imageId }, 202);
      c.header('Location', href);
      return c.body(null, 202);
    },
    'os-getVNCConsole': (c, s, arg) => {
      const type = (arg as Obj | null)?.type;
      if (type !== 'novnc' && type !== 'xvpvnc')
        throw schemaError('os-getVNCConsole/type', type ?? null, "is not one of ['novnc', 'xvpvnc']");
      return c.json({ console: { type, url: consoleUrl(c, svc, s, type) } });
    },
    'os-getSPICEConsole': (c, s, arg) =>
      c.json({
        console: { type: 'spice-html5', url: consoleUrl(c, svc, s, String((arg as Obj)?.type ?? 'spice-html5')) },
      }),
    'os-getConsoleOutput': (c, s) => {
      guard(c, s, 'get_console_output', null, [null, ...TASKS_ANY]);
      return c.json({ output: `[    0.000000] Linux version 6.1.0 (simulated) ${s.name}\nlogin: ` });
    },
    'os-migrateLive': (c, s, arg) => liveMigrate(c, svc, s, arg),
    migrate: (c, s, arg) => coldMigrate(c, svc, s, arg, undefined),
    resize: (c, s, arg) => {
      const ref = (arg as Obj | null)?.flavorRef;
      if (ref === undefined)
        throw badRequest("Invalid input for field/attribute resize. Value: None. 'flavorRef' is a required property");
      return coldMigrate(c, svc, s, arg, String(ref));
    },
    confirmResize: (c, s) => confirmResize(c, svc, s),
    revertResize: (c, s) => revertResize(c, svc, s),
    evacuate: (c, s, arg) => evacuate(c, svc, s, arg),
    rescue: (c, s, arg) => rescue(c, svc, s, arg),
    unrescue: (c, s) => unrescue(c, svc, s),
    shelve: (c, s) => shelve(c, svc, s),
    shelveOffload: (c, s) => shelveOffload(c, svc, s),
    unshelve: (c, s, arg) => unshelve(c, svc, s, arg),
    rebuild: (c, s, arg) => {
      const a = (arg ?? {}) as Obj;
      if (typeof a.imageRef !== 'string')
        throw badRequest("Invalid input for field/attribute rebuild. Value: None. 'imageRef' is a required property");
      guard(c, s, 'rebuild', [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR]);
      if (!s.imageId) throw badRequest('Unable to rebuild a volume-backed server');
      svc.images.get(c.get('auth'), a.imageRef, 'Cannot find image for rebuild');
      s.imageId = a.imageRef;
      if (a.name !== undefined) s.name = validName(a.name);
      if (a.metadata !== undefined) s.metadata = validMetadata(a.metadata);
      if (typeof a.adminPass === 'string') s.adminPass = a.adminPass;
      const target =
        s.vmState === VmState.STOPPED
          ? { vm: VmState.STOPPED, power: PowerState.SHUTDOWN }
          : { vm: VmState.ACTIVE, power: PowerState.RUNNING };
      transition(c, s, 'rebuild', 'rebuilding', target, o.buildMs);
      return c.json({ server: { ...serverDetailView(c, svc, s, true), adminPass: s.adminPass } }, 202);
    },
    'os-resetState': (c, s, arg) => {
      requireAdmin(c, 'os_compute_api:os-admin-actions:reset_state');
      const state = (arg as Obj | null)?.state;
      if (state !== 'active' && state !== 'error')
        throw schemaError('os-resetState/state', state ?? null, "is not one of ['active', 'error']");
      svc.setState(s, state, null);
      return accepted(c);
    },
    addSecurityGroup: (c, s, arg) => {
      const name = String((arg as Obj | null)?.name ?? '');
      if (!name) throw badRequest('Security group name cannot be empty');
      svc.networking.addGroup(c.get('auth'), s, name);
      return accepted(c);
    },
    removeSecurityGroup: (c, s, arg) => {
      const name = String((arg as Obj | null)?.name ?? '');
      svc.networking.removeGroup(c.get('auth'), s, name);
      return accepted(c);
    },
  };

  app.post('/servers/:id/action', async (c) => {
    const s = svc.store.visibleServer(c.req.param('id'), c.get('auth'));
    const b = await readJsonBody(c, badRequest);
    const keys = Object.keys(b);
    const handler = keys.length === 1 ? actions[keys[0]] : undefined;
    if (!handler) throw badRequest('There is no such action: ' + (keys[0] ?? ''));
    if (s.taskState === 'deleting' && keys[0] !== 'os-getConsoleOutput')
      throw conflict(`Cannot '${keys[0]}' instance ${s.id} while it is in task_state deleting`);
    return handler(c, s, b[keys[0]]);
  });

  return app;
}

const TASKS_ANY = [
  'rebooting',
  'rebooting_hard',
  'migrating',
  'powering-on',
  'powering-off',
  'pausing',
  'unpausing',
  'suspending',
  'resuming',
  'image_snapshot',
  'updating_password',
  'spawning',
  'rescuing',
  'unrescuing',
  'shelving',
  'shelving_offloading',
  'unshelving',
];
