/**
 * The OS page cache of a database's files, for measurements that must say whether they read memory or the
 * disk. Without root there is no drop_caches, but a file's own clean pages can be dropped: posix_fadvise
 * (POSIX_FADV_DONTNEED), which Node does not offer, through coreutils' `dd iflag=nocache count=0` or else
 * python3's os.posix_fadvise. Dirty pages are not dropped, so the files are fsynced first. How much of a
 * file is cached comes from util-linux's `fincore`. Each tool may be missing: the answer then says so
 * (null), and the caller reports the figure without that guarantee instead of failing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** The files SQLite reads a WAL database from (the -shm is shared memory, not read through the cache). */
export const databaseFiles = (file: string): string[] => [file, `${file}-wal`].filter((f) => fs.existsSync(f));

/** Bytes of the files in the page cache and their size; null when fincore is missing or fails. */
export function cached(files: readonly string[]): { bytes: number; size: number } | null {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--raw', '--output', 'RES,SIZE', ...files], {
    encoding: 'utf8',
  });
  if (r.status !== 0 || r.error) return null;
  let bytes = 0;
  let size = 0;
  for (const line of r.stdout.trim().split('\n')) {
    const [res, sz] = line.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(res) || !Number.isFinite(sz)) return null;
    bytes += res;
    size += sz;
  }
  return { bytes, size };
}

/** The share (0..1) of the files in the page cache, or null when it cannot be told. */
export function cachedShare(files: readonly string[]): number | null {
  const c = cached(files);
  return c && c.size > 0 ? c.bytes / c.size : null;
}

const fsync = (file: string) => {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
};

/** The ways to drop a file's pages, tried in order; each returns true when it ran. */
const DROPS: readonly { name: string; drop: (file: string) => boolean }[] = [
  {
    name: 'dd iflag=nocache',
    drop: (f) => spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0,
  },
  {
    name: 'python3 os.posix_fadvise',
    drop: (f) =>
      spawnSync('python3', [
        '-c',
        'import os, sys\nfd = os.open(sys.argv[1], os.O_RDONLY)\nos.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)',
        f,
      ]).status === 0,
  },
];

/**
 * Drops the files' pages from the page cache: the name of the way that worked, or null when none did.
 * Whether it took is for the caller to check with cachedShare (a file another process keeps dirty stays).
 */
export function dropFromCache(files: readonly string[]): string | null {
  for (const f of files) fsync(f);
  for (const way of DROPS) if (files.every(way.drop)) return way.name;
  return null;
}

/** Reads the files through once, as `cat FILE > /dev/null` does, so that their pages are in the page cache. */
export function warmCache(files: readonly string[]): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}
