import type { Ctx } from '../deps';
import { ApiError } from '../lib/api-error';
import { adminCloud, cloudCall } from '../lib/cloud-call';

/**
 * The id of the public volume type a tenant names (by id or name); a private or unknown type is a
 * 422 on `path`, as the order's other cloud ids are.
 */
export async function visibleVolumeTypeId(c: Ctx, ref: string, path: string): Promise<string> {
  const types = await cloudCall('volume types', () => adminCloud(c).blockStorage.listVolumeTypes({ is_public: true }));
  const t = types.find((x) => x.id === ref) ?? types.find((x) => x.name === ref);
  if (!t || t.is_public === false)
    throw new ApiError(422, 'validation_failed', `volume type ${ref} is not one you can use`, [
      { path, message: 'unknown volume type' },
    ]);
  return t.id;
}
