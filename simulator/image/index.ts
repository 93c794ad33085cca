import type { SimModule } from '../core/module';
import { imageRoutes } from './routes';
import { seedImages } from './seed';
import { ImageService } from './service';

declare module '../core/cloud' {
  interface SimServices {
    image: ImageService;
  }
}

export { ImageService } from './service';

/** Glance v2 at `/image`. */
export const imageModule: SimModule = {
  name: 'image',
  prefix: '/image',
  install(cloud) {
    const service = new ImageService(cloud);
    cloud.register('image', service);
    const adminProject = cloud.services.identity?.findProject(cloud.options.adminProject)?.id ?? 'admin';
    seedImages(service, adminProject);
  },
  routes(cloud) {
    return imageRoutes(cloud, cloud.service('image'));
  },
};
