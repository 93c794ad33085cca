import type { InstanceFile } from './items';

/**
 * The user data an instance boots with: the user's own, or a cloud-config carrying `write_files`
 * when files are ordered (the user's own cloud-config is merged; a script is kept as a multipart
 * would be too much here, so files and a non-cloud-config script are refused together by validation).
 */
export function composeUserData(userData: string | null | undefined, files: InstanceFile[] | undefined): string | null {
  if (!files?.length) return userData ?? null;
  const body = userData?.startsWith('#cloud-config') ? userData.replace(/^#cloud-config\s*\n?/, '') : '';
  const lines = ['#cloud-config', 'write_files:'];
  for (const f of files) {
    lines.push(`  - path: ${JSON.stringify(f.path)}`);
    lines.push(`    permissions: ${JSON.stringify(f.permissions ?? '0644')}`);
    lines.push('    encoding: b64');
    lines.push(`    content: ${Buffer.from(f.content, 'utf8').toString('base64')}`);
  }
  return `${lines.join('\n')}\n${body}`;
}

/** Files plus a user-data that is not a cloud-config cannot both be delivered by one cloud-init document. */
export function userDataProblem(userData: string | null | undefined, files: InstanceFile[] | undefined): string | null {
  if (files?.length && userData && !userData.startsWith('#cloud-config'))
    return 'files can only be combined with a #cloud-config user_data';
  return null;
}
