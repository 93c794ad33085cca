/**
 * `node --import tsx scripts/lib/tempest-conf.ts <identity v3 URL> <admin user> <admin password> <admin project>`:
 * prints a `tempest.conf` for the cloud behind that Keystone, written from what the cloud reports: the
 * token catalog (services, region), the version documents (compute and volume microversion ranges),
 * the extension lists (network and volume), flavors, images and the external network. Options are read
 * from the environment: TEMPEST_LOCKOUT_ATTEMPTS, TEMPEST_LOCKOUT_DURATION_S and
 * TEMPEST_UNIQUE_LAST_PASSWORD_COUNT describe the Keystone security-compliance settings the cloud runs
 * with (security_compliance is on when they are set), TEMPEST_LOG_FILE names Tempest's log.
 */

interface Endpoint {
  interface: string;
  region: string;
  url: string;
}
interface CatalogService {
  type: string;
  endpoints: Endpoint[];
}

async function getJson(url: string, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    headers: { accept: 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
  });
  // A version list answers 300 Multiple Choices.
  if (!res.ok && res.status !== 300) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function adminToken(identity: string, user: string, password: string, project: string) {
  const res = await fetch(`${identity}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`token for ${user}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { catalog: CatalogService[] } };
  return { token: res.headers.get('x-subject-token')!, catalog: body.token.catalog };
}

/** The version-independent root of a versioned endpoint (`.../compute/v2.1` -> `.../compute`). */
const root = (url: string) => url.replace(/\/v\d+(\.\d+)?(\/.*)?$/, '');

type Version = { id: string; status: string; version?: string; min_version?: string };

async function main(): Promise<void> {
  const [identity, user, password, project] = process.argv.slice(2);
  if (!project)
    throw new Error('usage: tempest-conf.ts <identity v3 URL> <admin user> <admin password> <admin project>');
  const { token, catalog } = await adminToken(identity, user, password, project);
  const publicUrl = (type: string) =>
    catalog.find((s) => s.type === type)?.endpoints.find((e) => e.interface === 'public');
  const region = publicUrl('identity')?.region ?? 'RegionOne';
  const has = (type: string) => publicUrl(type) !== undefined;
  const compute = publicUrl('compute')?.url;
  const network = publicUrl('network')?.url;
  const volume = publicUrl('volumev3')?.url;
  const image = publicUrl('image')?.url;
  if (!compute || !network || !volume || !image)
    throw new Error(`the catalog lacks a core service: ${catalog.map((s) => s.type).join(', ')}`);

  const computeVersion = ((await getJson(compute, token)).version ?? {}) as Version;
  const volumeVersions = ((await getJson(`${root(volume)}/`)).versions ?? []) as Version[];
  const volumeV3 = volumeVersions.find((v) => v.id === 'v3.0' && v.status === 'CURRENT');
  const imageVersions = ((await getJson(`${image}/versions`)).versions ?? []) as Version[];
  const networkExtensions = (
    (await getJson(`${network}/v2.0/extensions`, token)).extensions as { alias: string }[]
  ).map((e) => e.alias);
  const volumeExtensions = ((await getJson(`${volume}/extensions`, token)).extensions as { alias: string }[]).map(
    (e) => e.alias,
  );
  const images = (
    (await getJson(`${image}/v2/images?status=active&visibility=public`, token)).images as {
      id: string;
      name: string;
      min_ram: number;
      min_disk: number;
    }[]
  )
    .sort((a, b) => a.min_disk - b.min_disk || a.min_ram - b.min_ram || a.name.localeCompare(b.name))
    .slice(0, 2);
  // The two smallest flavors that boot either image (the tests boot and resize between them with both).
  const fits = (f: { ram: number; disk: number }) => images.every((i) => f.disk >= i.min_disk && f.ram >= i.min_ram);
  const flavors = (
    (await getJson(`${compute}/flavors/detail`, token)).flavors as {
      id: string;
      vcpus: number;
      ram: number;
      disk: number;
    }[]
  )
    .filter((f) => f.disk > 0 && fits(f))
    .sort((a, b) => a.ram - b.ram || a.vcpus - b.vcpus || a.disk - b.disk);
  const external = (
    (await getJson(`${network}/v2.0/networks?router:external=true`, token)).networks as { id: string; name: string }[]
  )[0];
  if (flavors.length < 2 || images.length < 2 || !external)
    throw new Error('the cloud needs two flavors with a disk, two public images and an external network');

  const env = process.env;
  const compliance = env.TEMPEST_LOCKOUT_ATTEMPTS !== undefined;
  const conf: Record<string, Record<string, string | number | boolean | undefined>> = {
    DEFAULT: { log_file: env.TEMPEST_LOG_FILE, use_stderr: false },
    auth: {
      // Tempest creates a fresh project and member user for each test class with these admin credentials,
      // and runs every test of the list as that non-admin user.
      use_dynamic_credentials: true,
      admin_username: user,
      admin_password: password,
      admin_project_name: project,
      admin_domain_name: 'Default',
      create_isolated_networks: true,
    },
    identity: {
      uri_v3: identity,
      auth_version: 'v3',
      region,
      v3_endpoint_type: 'public',
      default_domain_id: 'default',
      user_lockout_failure_attempts: env.TEMPEST_LOCKOUT_ATTEMPTS,
      user_lockout_duration: env.TEMPEST_LOCKOUT_DURATION_S,
      user_unique_last_password_count: env.TEMPEST_UNIQUE_LAST_PASSWORD_COUNT,
    },
    'identity-feature-enabled': {
      api_v2: false,
      api_v3: true,
      security_compliance: compliance,
      application_credentials: true,
      project_tags: true,
    },
    compute: {
      region,
      endpoint_type: 'publicURL',
      image_ref: images[0].id,
      image_ref_alt: images[1].id,
      flavor_ref: flavors[0].id,
      flavor_ref_alt: flavors[1].id,
      min_microversion: computeVersion.min_version || undefined,
      max_microversion: computeVersion.version || undefined,
      build_interval: 1,
      build_timeout: 60,
    },
    'compute-feature-enabled': {
      resize: true,
      snapshot: true,
      change_password: false,
      console_output: true,
      vnc_console: false,
      serial_console: false,
      interface_attach: true,
      personality: false,
      attach_encrypted_volume: false,
      volume_multiattach: false,
    },
    image: { region, endpoint_type: 'publicURL', build_interval: 1, build_timeout: 60 },
    'image-feature-enabled': {
      api_v2: imageVersions.some((v) => v.id.startsWith('v2')),
      api_v1: false,
      import_image: false,
    },
    network: {
      region,
      endpoint_type: 'publicURL',
      public_network_id: external.id,
      floating_network_name: external.name,
      project_networks_reachable: false,
      build_interval: 1,
      build_timeout: 60,
    },
    'network-feature-enabled': {
      ipv6: true,
      ipv6_subnet_attributes: true,
      api_extensions: networkExtensions.join(','),
      port_security: networkExtensions.includes('port-security'),
    },
    volume: {
      region,
      endpoint_type: 'publicURL',
      catalog_type: 'volumev3',
      min_microversion: volumeV3?.min_version || undefined,
      max_microversion: volumeV3?.version || undefined,
      build_interval: 1,
      build_timeout: 60,
    },
    'volume-feature-enabled': {
      api_extensions: volumeExtensions.join(','),
      backup: false,
      snapshot: true,
      clone: true,
    },
    service_available: {
      nova: has('compute'),
      neutron: has('network'),
      cinder: has('volumev3'),
      glance: has('image'),
      swift: has('object-store'),
      horizon: false,
    },
    // No guest runs in the simulator: the guideline's tests run without SSH validation of guests.
    validation: { run_validation: false },
  };
  const lines: string[] = [];
  for (const [section, opts] of Object.entries(conf)) {
    lines.push(`[${section}]`);
    for (const [k, v] of Object.entries(opts)) if (v !== undefined) lines.push(`${k} = ${v}`);
    lines.push('');
  }
  process.stdout.write(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
