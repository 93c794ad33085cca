import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { ArchiveEntry, PackageFormat } from '../../domain/sites/archive-entries';

/** The entries a package declares, read without unpacking it. */
export function listPackage(file: string, format: PackageFormat): Promise<ArchiveEntry[]> {
  return format === 'zip' ? listZip(file) : listTarGz(file);
}

const modeType = (mode: number, name: string): ArchiveEntry['type'] => {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o020000:
    case 0o060000:
      return 'device';
    case 0o010000:
      return 'fifo';
    case 0:
      return name.endsWith('/') ? 'directory' : 'file';
    default:
      return 'other';
  }
};

/** Zip: the central directory (the end record is found in the file's last 64 KiB). */
export async function listZip(file: string): Promise<ArchiveEntry[]> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new PackageReadError('the zip file has no central directory');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size) throw new PackageReadError('the zip central directory lies outside the file');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ArchiveEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50)
        throw new PackageReadError('the zip central directory is damaged');
      const madeBy = cd.readUInt16LE(p + 4) >> 8;
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const external = cd.readUInt32LE(p + 38);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      // Only Unix-made entries carry a mode; the others are files or (trailing slash) directories.
      const mode = madeBy === 3 ? external >>> 16 : 0;
      entries.push({
        name,
        type: modeType(mode, name),
        size: uncompressed === 0xffffffff ? Number.MAX_SAFE_INTEGER : uncompressed,
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

export class PackageReadError extends Error {}

const tarType = (flag: string): ArchiveEntry['type'] => {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    case '3':
    case '4':
      return 'device';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
};

const cstr = (b: Buffer) => {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
};
const octal = (b: Buffer) => {
  // GNU base-256 for sizes past 8 GiB: refuse as too large.
  if (b[0]! & 0x80) return Number.MAX_SAFE_INTEGER;
  const s = cstr(b).trim();
  return s ? parseInt(s, 8) : 0;
};

/** Pax records (`<len> key=value\n`) as a map. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let p = 0;
  while (p < data.length) {
    const sp = data.indexOf(0x20, p);
    if (sp < 0) break;
    const len = parseInt(data.subarray(p, sp).toString('ascii'), 10);
    if (!len) break;
    const rec = data.subarray(sp + 1, p + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
  return out;
}

/** tar.gz: every header, streamed through gunzip (member data is skipped, long names and pax paths honoured). */
export async function listTarGz(file: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  let buf: Buffer = Buffer.alloc(0);
  let skip = 0;
  let capture: { kind: 'L' | 'x'; size: number } | null = null;
  let longName: string | null = null;
  let paxPath: string | null = null;
  let ended = false;
  const gunzip = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (ended) break;
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          buf = buf.subarray(n);
          skip -= n;
          if (skip > 0) break;
        }
        if (capture) {
          const padded = Math.ceil(capture.size / 512) * 512;
          if (buf.length < padded) break;
          const data = buf.subarray(0, capture.size);
          if (capture.kind === 'L') longName = cstr(data);
          else paxPath = paxRecords(data).get('path') ?? paxPath;
          buf = buf.subarray(padded);
          capture = null;
          continue;
        }
        if (buf.length < 512) break;
        const h = buf.subarray(0, 512);
        buf = buf.subarray(512);
        if (h.every((x) => x === 0)) {
          ended = true;
          break;
        }
        const flag = String.fromCharCode(h[156]!);
        const size = octal(h.subarray(124, 136));
        if (flag === 'L' || flag === 'x') {
          capture = { kind: flag, size };
          continue;
        }
        if (flag === 'g' || flag === 'K') {
          skip = Math.ceil(size / 512) * 512;
          continue;
        }
        const prefix = h.subarray(257, 263).toString('ascii').startsWith('ustar') ? cstr(h.subarray(345, 500)) : '';
        const base = cstr(h.subarray(0, 100));
        const name = paxPath ?? longName ?? (prefix ? `${prefix}/${base}` : base);
        paxPath = null;
        longName = null;
        const type = tarType(flag);
        entries.push({ name, type, size: type === 'file' ? size : 0 });
        skip = type === 'file' ? Math.ceil(size / 512) * 512 : 0;
      }
      if (ended) break;
    }
  } catch (e) {
    throw new PackageReadError(`the tar.gz package cannot be read: ${(e as Error).message}`);
  } finally {
    gunzip.destroy();
  }
  return entries;
}
