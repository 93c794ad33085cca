import type { ImageMember, ImageRecord } from './model';

/** The image as Glance v2 shows it: base attributes, custom properties at top level, links. */
export function renderImage(img: ImageRecord): Record<string, unknown> {
  const { properties, ...base } = img;
  return {
    ...properties,
    ...base,
    self: `/v2/images/${img.id}`,
    file: `/v2/images/${img.id}/file`,
    schema: '/v2/schemas/image',
    ...(img.status === 'active' ? { stores: 'file' } : {}),
  };
}

export function renderMember(m: ImageMember): Record<string, unknown> {
  return { ...m, schema: '/v2/schemas/member' };
}
