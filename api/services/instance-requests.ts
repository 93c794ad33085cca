import { z } from 'zod';
import { CloudResource, Product } from '../../domain/entities';
import { resizeTargetOf, type ResizeTarget, type ServerActionRequest } from '../../domain/operate/server-actions';
import { ApiError, badRequest } from '../lib/api-error';
import type { Ctx } from '../deps';
import { activeImage, cloudIdsOf } from './cloud-ids';

/** The body of `POST /instances/{id}/actions`: one action with what it needs. */
export const instanceActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start') }).strict(),
  z.object({ action: z.literal('stop') }).strict(),
  z.object({ action: z.literal('reboot'), type: z.enum(['SOFT', 'HARD']).default('SOFT') }).strict(),
  z.object({ action: z.literal('set_password'), password: z.string().min(8).max(255) }).strict(),
  z.object({ action: z.literal('snapshot'), name: z.string().min(1).max(255) }).strict(),
  z
    .object({
      action: z.literal('set_security_groups'),
      securityGroupIds: z.array(z.string().min(1).max(64)).min(1).max(5),
    })
    .strict(),
  ...(
    [
      'pause',
      'unpause',
      'suspend',
      'resume',
      'confirm_resize',
      'revert_resize',
      'rescue',
      'unrescue',
      'shelve',
      'unshelve',
    ] as const
  ).map((a) => z.object({ action: z.literal(a) }).strict()),
  z.object({ action: z.literal('resize'), flavorId: z.string().uuid() }).strict(),
  z.object({ action: z.literal('rebuild'), imageId: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('delete') }).strict(),
] as [z.ZodDiscriminatedUnionOption<'action'>, ...z.ZodDiscriminatedUnionOption<'action'>[]]);
export type InstanceActionBody = z.infer<typeof instanceActionBody> & Record<string, any>;

/** The catalog flavor a server is resized to (an active flavor product), refused as Nova refuses the same flavor. */
async function resizeTarget(c: Ctx, r: CloudResource, flavorId: string): Promise<ResizeTarget> {
  const p = await c.get('em').findOne(Product, { id: flavorId, kind: 'flavor', status: 'active' });
  if (!p)
    throw new ApiError(422, 'validation_failed', `unknown flavor ${flavorId}`, [
      { path: 'flavorId', message: `unknown flavor ${flavorId}` },
    ]);
  if ((r.spec as { flavorId?: string }).flavorId === p.id)
    throw badRequest('When resizing, instances must change flavor!', { flavorId: p.id });
  return resizeTargetOf(p);
}

/** What the server's workflow is asked for: ids resolved to what the tenant may use, secrets only where needed. */
export async function instanceActionRequest(
  c: Ctx,
  r: CloudResource,
  body: InstanceActionBody,
): Promise<ServerActionRequest> {
  const request: ServerActionRequest = { action: body.action as ServerActionRequest['action'] };
  if (body.action === 'reboot') request.rebootType = body.type;
  if (body.action === 'set_password') request.password = body.password;
  if (body.action === 'snapshot') request.imageName = body.name;
  if (body.action === 'resize') request.flavor = await resizeTarget(c, r, body.flavorId);
  if (body.action === 'set_security_groups' || body.action === 'rebuild') {
    const ids = await cloudIdsOf(c, r.tenantId);
    if (body.action === 'rebuild')
      request.imageId = (
        await ids.resolveAll([{ kind: 'image', id: body.imageId, path: 'imageId', check: activeImage }])
      )[0]!.id;
    else
      request.securityGroupIds = (
        await ids.resolveAll(
          (body.securityGroupIds as string[]).map((id, j) => ({
            kind: 'security_group' as const,
            id,
            path: `securityGroupIds.${j}`,
            use: 'own' as const,
          })),
        )
      ).map((x) => x.id);
  }
  return request;
}
