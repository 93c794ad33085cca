import path from 'node:path';
import type { Config } from '../../config';
import { HttpDnsProvider } from './dns-provider';
import { LocalFrontDoor, type SiteNameRouter } from './front-door';

/** The DNS provider's API where SITES_DNS_API_URL is set; otherwise the front-door nginx in `<sitesRoot>/front-door`. */
export function frontDoorFromConfig(cfg: Config, sitesRoot: string): SiteNameRouter {
  if (cfg.SITES_DNS_API_URL) return new HttpDnsProvider({ url: cfg.SITES_DNS_API_URL, token: cfg.SITES_DNS_API_TOKEN });
  return localFrontDoor(cfg, sitesRoot);
}

export function localFrontDoor(cfg: Config, sitesRoot: string): LocalFrontDoor {
  return new LocalFrontDoor({ root: path.join(sitesRoot, 'front-door'), port: cfg.SITES_FRONT_DOOR_PORT });
}
