/** JSON schemas Glance serves at `/v2/schemas/*`; glanceclient and the CLI read them to build requests. */
const nullableString = { type: ['null', 'string'] };

const imageProperties: Record<string, unknown> = {
  id: {
    type: 'string',
    pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    description: 'An identifier for the image',
  },
  name: { ...nullableString, maxLength: 255, description: 'Descriptive name for the image' },
  status: {
    type: 'string',
    readOnly: true,
    enum: [
      'queued',
      'saving',
      'active',
      'killed',
      'deleted',
      'uploading',
      'importing',
      'pending_delete',
      'deactivated',
    ],
    description: 'Status of the image',
  },
  visibility: {
    type: 'string',
    enum: ['community', 'public', 'private', 'shared'],
    description: 'Scope of image accessibility',
  },
  protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
  os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
  checksum: { ...nullableString, readOnly: true, maxLength: 32, description: 'md5 hash of image contents.' },
  os_hash_algo: {
    ...nullableString,
    readOnly: true,
    maxLength: 64,
    description: 'Algorithm to calculate the os_hash_value',
  },
  os_hash_value: {
    ...nullableString,
    readOnly: true,
    maxLength: 128,
    description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
  },
  owner: { ...nullableString, maxLength: 255, description: 'Owner of the image' },
  size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
  virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
  container_format: {
    type: ['null', 'string'],
    enum: [null, 'ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'],
    description: 'Format of the container',
  },
  disk_format: {
    type: ['null', 'string'],
    enum: [null, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'],
    description: 'Format of the disk',
  },
  created_at: { type: 'string', readOnly: true, description: 'Date and time of image registration' },
  updated_at: { type: 'string', readOnly: true, description: 'Date and time of the last image modification' },
  tags: {
    type: 'array',
    items: { type: 'string', maxLength: 255 },
    description: 'List of strings related to the image',
  },
  direct_url: { type: 'string', readOnly: true, description: 'URL to access the image file kept in external store' },
  min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
  min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
  self: { type: 'string', readOnly: true, description: 'An image self url' },
  file: { type: 'string', readOnly: true, description: 'An image file url' },
  stores: {
    type: 'string',
    readOnly: true,
    description: 'Store in which image data resides.  Only present when the operator has enabled multiple stores.',
  },
  schema: { type: 'string', readOnly: true, description: 'An image schema url' },
  locations: {
    type: 'array',
    items: { type: 'object' },
    description: 'A set of URLs to access the image file kept in external store',
  },
};

export const imageSchema = {
  name: 'image',
  properties: imageProperties,
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

export const imagesSchema = {
  name: 'images',
  properties: {
    images: { type: 'array', items: imageSchema },
    schema: { type: 'string' },
    first: { type: 'string' },
    next: { type: 'string' },
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

const memberProperties = {
  member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
  image_id: { type: 'string', description: 'An identifier for the image' },
  created_at: { type: 'string', description: 'Date and time of image member creation' },
  updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
  status: { type: 'string', enum: ['pending', 'accepted', 'rejected'], description: 'The status of this image member' },
  schema: { type: 'string', readOnly: true },
};

export const memberSchema = { name: 'member', properties: memberProperties };
export const membersSchema = {
  name: 'members',
  properties: { members: { type: 'array', items: memberSchema }, schema: { type: 'string' } },
  links: [{ rel: 'describedby', href: '{schema}' }],
};
