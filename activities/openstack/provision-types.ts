import type { CloudResourceKind } from '../../domain/entities/cloud-resource';
import type { PlannedItem } from '../db/orders';
import type { InstanceFile } from '../../domain/orders/items';
import type { QuotaAmounts } from '../../domain/quota/resources';

/** Who and what a provisioning call works for; `tag` (`provision-<itemId>.<attempt>`) marks every object it creates. */
export interface ProvisionRef {
  tag: string;
  orderId: string;
  itemId: string;
  tenantId: string;
  projectId: string;
}

export interface FlavorSizing {
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface ServerRequest extends ProvisionRef {
  name: string;
  flavorId: string;
  imageId: string;
  bootVolumeGb?: number | null;
  portId: string;
  userData?: string | null;
  files?: InstanceFile[];
  metadata?: Record<string, string>;
  adminPass?: string | null;
  /** Quota the server holds once delivered (kept on its CloudResource record). */
  quota: Partial<QuotaAmounts>;
}

export interface ServerFacts {
  serverId: string;
  status: string;
  addresses: Record<string, Array<{ addr: string; type: string | null }>>;
}

export interface ValidationResult {
  problem: string | null;
  itemId?: string | null;
}

export interface ProvisionActivities {
  ensureTenantProject(input: { tenantId: string }): Promise<{ projectId: string }>;
  validateOrderItems(input: { tenantId: string; items: PlannedItem[] }): Promise<ValidationResult>;
  ensureFlavor(input: FlavorSizing): Promise<{ flavorId: string }>;
  ensurePort(
    input: ProvisionRef & {
      networkId?: string | null;
      securityGroupIds?: string[] | null;
      fixedIp?: string | null;
      macAddress?: string | null;
    },
  ): Promise<{ portId: string; networkId: string; fixedIp: string | null; securityGroupIds: string[] }>;
  ensureServer(input: ServerRequest): Promise<{ serverId: string }>;
  waitServerActive(input: ProvisionRef & { serverId: string; timeoutMs: number }): Promise<ServerFacts>;
  ensureVolume(
    input: ProvisionRef & { index: number; name: string; sizeGb: number; quota: Partial<QuotaAmounts> },
  ): Promise<{ volumeId: string }>;
  waitVolumeAvailable(input: ProvisionRef & { volumeId: string; timeoutMs: number }): Promise<void>;
  attachVolume(input: ProvisionRef & { serverId: string; volumeId: string }): Promise<{ device: string | null }>;
  ensureFloatingIp(
    input: ProvisionRef & { portId?: string | null; quota: Partial<QuotaAmounts> },
  ): Promise<{ floatingIpId: string; address: string }>;
  ensureNetwork(
    input: ProvisionRef & { name: string; cidr: string; withRouter: boolean; quota: Partial<QuotaAmounts> },
  ): Promise<{ networkId: string; subnetId: string; routerId: string | null }>;
  /** Deletes one object the item created (absent already is fine) and marks its record deleted. */
  deleteCreated(input: { projectId: string; kind: CloudResourceKind; openstackId: string }): Promise<void>;
  /** Deletes everything recorded for the item, newest dependency first. */
  teardownItem(input: { itemId: string }): Promise<number>;
  /** Marks the item's records active with what OpenStack reports of each object, plus `attributes` by OpenStack id. */
  activateItemResources(input: {
    itemId: string;
    projectId: string;
    attributes: Record<string, Record<string, unknown>>;
  }): Promise<void>;
}
