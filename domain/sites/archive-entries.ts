/** An entry of a code package as its archive declares it. */
export interface ArchiveEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';
  size: number;
}

export type PackageFormat = 'zip' | 'tar.gz';

/** Why an entry may not be unpacked into a code space, or null when it may. */
export function entryProblem(e: ArchiveEntry): string | null {
  const name = e.name;
  if (!name) return 'an entry has an empty name';
  if (name.includes('\0')) return `entry ${JSON.stringify(name)} has a NUL in its name`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\'))
    return `entry ${JSON.stringify(name)} has an absolute path`;
  if (name.split(/[\\/]/).includes('..')) return `entry ${JSON.stringify(name)} climbs out of the code space (..)`;
  switch (e.type) {
    case 'file':
    case 'directory':
      return null;
    case 'symlink':
      return `entry ${JSON.stringify(name)} is a symbolic link`;
    case 'hardlink':
      return `entry ${JSON.stringify(name)} is a hard link`;
    case 'device':
      return `entry ${JSON.stringify(name)} is a device file`;
    case 'fifo':
      return `entry ${JSON.stringify(name)} is a FIFO`;
    default:
      return `entry ${JSON.stringify(name)} is not a regular file or directory`;
  }
}

/** The package's format from its content type or its first bytes (zip: PK\3\4, gzip: 1f 8b). */
export function packageFormat(contentType: string | undefined, head: Buffer): PackageFormat | null {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('zip') && head.length === 0) return 'zip';
  return null;
}
