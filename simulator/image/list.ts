import { glanceError } from './errors';
import type { Caller, ImageRecord } from './model';
import type { ImageService } from './service';

type Query = Record<string, string[]>;

function inDefaultListing(svc: ImageService, caller: Caller, img: ImageRecord, memberStatus: string): boolean {
  if (img.owner === caller.projectId) return true;
  if (img.visibility === 'public') return true;
  if (img.visibility === 'shared') {
    const m = (svc.members.get(img.id) ?? []).find((x) => x.member_id === caller.projectId);
    return caller.isAdmin ? true : !!m && (memberStatus === 'all' || m.status === memberStatus);
  }
  return caller.isAdmin && img.visibility === 'private';
}

function sortImages(images: ImageRecord[], q: Query): ImageRecord[] {
  let keys: Array<[string, 'asc' | 'desc']>;
  if (q.sort?.[0]) {
    keys = q.sort[0].split(',').map((s) => {
      const [k, d = 'asc'] = s.split(':');
      return [k, d === 'desc' ? 'desc' : 'asc'];
    });
  } else {
    const ks = q.sort_key ?? ['created_at'];
    const ds = q.sort_dir ?? [];
    keys = ks.map((k, i) => [k, (ds[i] ?? ds[0] ?? 'desc') === 'asc' ? 'asc' : 'desc']);
  }
  keys.push(['id', keys[0]?.[1] ?? 'desc']);
  return [...images].sort((a, b) => {
    for (const [k, d] of keys) {
      const av = (a as unknown as Record<string, unknown>)[k] ?? a.properties[k] ?? '';
      const bv = (b as unknown as Record<string, unknown>)[k] ?? b.properties[k] ?? '';
      if (av === bv) continue;
      const cmp = typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av) < String(bv) ? -1 : 1;
      return d === 'asc' ? cmp : -cmp;
    }
    return 0;
  });
}

/** `GET /v2/images`: visibility rules, filters, sorting, `limit`/`marker` and the `next` link. */
export function listImages(
  svc: ImageService,
  caller: Caller,
  q: Query,
): Record<string, unknown> & { images: ImageRecord[] } {
  const one = (k: string) => q[k]?.[0];
  const visibility = one('visibility');
  if (visibility && !['public', 'private', 'shared', 'community', 'all'].includes(visibility))
    throw glanceError(400, `Invalid visibility value: ${visibility}`);
  const memberStatus = one('member_status') ?? 'accepted';
  let images = [...svc.images.values()].filter((img) => svc.canSee(caller, img));
  images = images.filter((img) => {
    if (visibility === 'all') return true;
    if (visibility)
      return (
        img.visibility === visibility && (visibility !== 'shared' || inDefaultListing(svc, caller, img, memberStatus))
      );
    return inDefaultListing(svc, caller, img, memberStatus);
  });
  if (one('os_hidden') !== 'true') images = images.filter((i) => !i.os_hidden);
  for (const key of ['name', 'status', 'owner', 'container_format', 'disk_format', 'id']) {
    const v = one(key);
    if (v !== undefined) {
      const wanted = v.startsWith('in:') ? v.slice(3).split(',') : [v];
      images = images.filter((i) => wanted.includes(String((i as unknown as Record<string, unknown>)[key])));
    }
  }
  for (const tag of q.tag ?? []) images = images.filter((i) => i.tags.includes(tag));
  const size = one('size');
  if (size !== undefined) images = images.filter((i) => String(i.size ?? '') === size);
  const sizeMin = one('size_min'),
    sizeMax = one('size_max');
  if (sizeMin) images = images.filter((i) => (i.size ?? 0) >= Number(sizeMin));
  if (sizeMax) images = images.filter((i) => (i.size ?? 0) <= Number(sizeMax));
  images = sortImages(images, q);
  const marker = one('marker');
  if (marker) {
    const i = images.findIndex((x) => x.id === marker);
    if (i < 0) throw glanceError(400, `marker ${marker} could not be found.`);
    images = images.slice(i + 1);
  }
  const limitRaw = one('limit');
  const body: Record<string, unknown> & { images: ImageRecord[] } = {
    images,
    first: '/v2/images',
    schema: '/v2/schemas/images',
  };
  if (limitRaw !== undefined) {
    const limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 0) throw glanceError(400, 'limit param must be an integer');
    if (images.length > limit) {
      body.images = images.slice(0, limit);
      const params = new URLSearchParams();
      for (const [k, vs] of Object.entries(q)) if (k !== 'marker') for (const v of vs) params.append(k, v);
      params.set('marker', body.images[body.images.length - 1].id);
      body.next = `/v2/images?${params.toString()}`;
    }
  }
  return body;
}
