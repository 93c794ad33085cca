import { Hono } from 'hono';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { poolComputeRouter } from './pool-compute';
import { poolNetworksRouter } from './pool-networks';
import { poolStorageRouter } from './pool-storage';

/** `/pool`: staff manage the cloud's compute, storage and network resources (reads: hosts:read / resources:read; changes: pool:manage). */
export const poolRouter = new Hono<AppEnv>();
poolRouter.use('*', requireAuth);
poolRouter.route('/', poolComputeRouter);
poolRouter.route('/', poolStorageRouter);
poolRouter.route('/', poolNetworksRouter);
