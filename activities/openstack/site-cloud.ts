/**
 * The cloud side of a dedicated site that no other product has: its security group, made from the tenant's default
 * firewall policy (what he lets in everywhere) plus the web servers' port, recorded on the site's order item.
 */
import type { Orm } from '../../domain/db/orm';
import { CloudResource } from '../../domain/entities';
import { defaultFirewallRules, defaultPolicyName, type FirewallRule } from '../../domain/operate/firewall';
import { openCloud } from './cloud';
import { withFailureTypes } from './errors';
import { ensurePolicyGroup, syncPolicyRules } from './firewall';
import { recordCreated } from './provision-records';
import type { ProvisionCloudSettings } from './provision-settings';
import type { ProvisionRef } from './provision-types';

/** The site's rules: the tenant's default policy's, and the member port open to the load balancer. */
export function siteFirewallRules(tenantRules: FirewallRule[], memberPort: number): FirewallRule[] {
  const web: FirewallRule = { direction: 'ingress', protocol: 'tcp', portMin: memberPort, portMax: memberPort };
  return [...tenantRules, web];
}

export function createSiteCloudActivities(orm: Orm, settings: ProvisionCloudSettings | undefined) {
  const cloud = openCloud(settings, 'dedicated sites');
  return withFailureTypes({
    /** The site's security group in the tenant's project (found by its tag before it is made), with its rules. */
    async ensureSiteSecurityGroup(
      input: ProvisionRef & { siteName: string; memberPort: number },
    ): Promise<{ securityGroupId: string }> {
      const c = cloud.tenant(input.projectId);
      const policy = await orm.em
        .fork()
        .findOne(
          CloudResource,
          { tenantId: input.tenantId, kind: 'firewall_policy', name: defaultPolicyName, status: { $ne: 'deleted' } },
          { fields: ['spec'] },
        );
      const tenantRules = (policy?.spec.rules as FirewallRule[] | undefined) ?? defaultFirewallRules;
      const groupId = await ensurePolicyGroup(c, input.tag, `site-${input.siteName}`);
      await recordCreated(orm, input, 'security_group', groupId, `site-${input.siteName}`, { quota: {} });
      await syncPolicyRules(c, groupId, siteFirewallRules(tenantRules, input.memberPort));
      return { securityGroupId: groupId };
    },
  });
}

export type SiteCloudActivities = ReturnType<typeof createSiteCloudActivities>;
