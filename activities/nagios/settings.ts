import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config';

/** Where passive results go and where the generated object configuration is written. */
export interface NagiosSettings {
  /** host:port of NSCA, sent to with send_nsca (one of this and commandFile). */
  nscaAddress?: string;
  /** send_nsca's configuration (encryption, password). */
  nscaSendConfig?: string;
  /** Nagios's external command file, written directly instead of NSCA. */
  commandFile?: string;
  /** The generated object file (included by the Nagios main configuration). */
  objectsFile?: string;
  /** nagios.cfg that includes `objectsFile`: verified with `nagios4 -v` before Nagios is told to restart. */
  mainConfig?: string;
  /** The command file RESTART_PROGRAM is written to after the objects change (the embedded Nagios). */
  restartCommandFile?: string;
  nagiosBin?: string;
  freshnessSeconds: number;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  /** The API, probed for the platform's `api` service. */
  apiUrl?: string;
  metricsOverrides?: string;
}

export function nagiosSettingsFromConfig(cfg: Config): NagiosSettings | undefined {
  const embeddedDir = path.join(cfg.dataDir, 'nagios');
  // The embedded Nagios is used once the launcher has laid out its tree (so a machine without Nagios sends nothing).
  const embedded =
    cfg.NAGIOS_EMBEDDED &&
    !cfg.NSCA_ADDRESS &&
    !cfg.NAGIOS_COMMAND_FILE &&
    existsSync(path.join(embeddedDir, 'nagios.cfg'));
  const nscaAddress = cfg.NSCA_ADDRESS ?? (embedded ? `127.0.0.1:${cfg.NSCA_PORT}` : undefined);
  if (!nscaAddress && !cfg.NAGIOS_COMMAND_FILE) return undefined;
  return {
    nscaAddress: cfg.NAGIOS_COMMAND_FILE ? undefined : nscaAddress,
    nscaSendConfig: cfg.NSCA_SEND_CONFIG ?? (embedded ? path.join(embeddedDir, 'send_nsca.cfg') : undefined),
    commandFile: cfg.NAGIOS_COMMAND_FILE,
    objectsFile: cfg.NAGIOS_OBJECTS_FILE ?? (embedded ? path.join(embeddedDir, 'objects', 'cmp.cfg') : undefined),
    mainConfig: cfg.NAGIOS_MAIN_CONFIG ?? (embedded ? path.join(embeddedDir, 'nagios.cfg') : undefined),
    restartCommandFile: cfg.NAGIOS_COMMAND_FILE ?? (embedded ? path.join(embeddedDir, 'rw', 'nagios.cmd') : undefined),
    freshnessSeconds: 3 * cfg.NAGIOS_SYNC_INTERVAL_SECONDS,
    prometheusUrl: cfg.PROMETHEUS_URL,
    alertmanagerUrl: cfg.ALERTMANAGER_URL,
    apiUrl: cfg.publicUrl,
    metricsOverrides: cfg.MONITORING_METRICS,
  };
}
