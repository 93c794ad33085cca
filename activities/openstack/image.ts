import { listAll } from './paging';
import type { Session, Query } from './session';

const enc = encodeURIComponent;

export interface Image {
  id: string;
  name: string | null;
  status:
    | 'queued'
    | 'saving'
    | 'uploading'
    | 'importing'
    | 'active'
    | 'deactivated'
    | 'killed'
    | 'deleted'
    | 'pending_delete'
    | string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  disk_format?: string | null;
  container_format?: string | null;
  size?: number | null;
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  owner?: string | null;
  tags: string[];
  checksum?: string | null;
  created_at: string;
  updated_at: string;
  /** Glance returns custom properties as top-level string fields. */
  [property: string]: unknown;
}

/** One JSON-patch operation of `PATCH /v2/images/{id}`. */
export type ImagePatch = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** Glance v2 (paths relative to `<endpoint>/v2`). */
export class ImageApi {
  constructor(private readonly s: Session) {}

  /** Every image matching `query` (filters such as `status`, `visibility`, or a custom property). */
  listImages(query?: Query): Promise<Image[]> {
    return listAll<Image>(this.s, 'image', '/images', 'images', { query });
  }
  getImage(id: string): Promise<Image> {
    return this.s.get<Image>('image', `/images/${enc(id)}`);
  }
  /** Creates the image record (no data); extra keys become custom properties. */
  createImage(image: {
    name: string;
    disk_format?: string;
    container_format?: string;
    visibility?: Image['visibility'];
    min_disk?: number;
    min_ram?: number;
    tags?: string[];
    protected?: boolean;
    [property: string]: unknown;
  }): Promise<Image> {
    return this.s.post<Image>('image', '/images', image);
  }
  patchImage(id: string, ops: ImagePatch[]): Promise<Image> {
    return this.s.patch<Image>('image', `/images/${enc(id)}`, ops, {
      contentType: 'application/openstack-images-v2.1-json-patch',
    });
  }
  /** Sets (adds or replaces) top-level properties. */
  async setImageProperties(id: string, props: Record<string, unknown>): Promise<Image> {
    const current = await this.getImage(id);
    return this.patchImage(
      id,
      Object.entries(props).map(([k, v]) => ({
        op: k in current ? ('replace' as const) : ('add' as const),
        path: `/${k}`,
        value: v,
      })),
    );
  }
  /** Interoperable import (`web-download` fetches `uri` into the image). */
  async importImage(
    id: string,
    method: { name: 'web-download'; uri: string } | { name: 'glance-direct' },
  ): Promise<void> {
    await this.s.post('image', `/images/${enc(id)}/import`, { method });
  }
  deleteImage(id: string): Promise<void> {
    return this.s.delete('image', `/images/${enc(id)}`);
  }
}
