/**
 * Shapes the operate activities exchange with workflows (plain JSON). Workflows import these
 * types only; the implementations sit in operate-*.ts beside the typed OpenStack client.
 */

/** What the platform keeps of a Nova server (CloudResource.attributes of kind `server`). */
export interface ServerSnapshot {
  id: string;
  name: string;
  status: string;
  taskState: string | null;
  powerState: number | null;
  projectId: string | null;
  flavor: { id: string | null; name: string | null; vcpus: number | null; ram: number | null; disk: number | null };
  imageId: string | null;
  host: string | null;
  addresses: Record<string, Array<{ addr: string; version: number; type: string | null; mac: string | null }>>;
  updated: string | null;
}

export interface ServerRef {
  serverId: string;
}

export interface ConsoleInfo {
  type: string;
  protocol: string;
  url: string;
}
