import { gzipSync } from "node:zlib";

/** One file of an archive: a relative `/`-separated path and its bytes. */
export interface ArchiveEntry {
  readonly path: string;
  readonly content: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function writeText(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new RangeError(`archive: "${text}" does not fit in ${length} bytes`);
  header.set(bytes, offset);
}

// Numeric header fields are zero-padded octal followed by a NUL.
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeText(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

// Paths over 100 bytes go to the ustar prefix field, split at a `/`.
function splitPath(path: string): [prefix: string, name: string] {
  if (encoder.encode(path).length <= 100) return ["", path];
  for (let at = path.indexOf("/"); at !== -1; at = path.indexOf("/", at + 1)) {
    const prefix = path.slice(0, at);
    const name = path.slice(at + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return [prefix, name];
  }
  throw new RangeError(`archive: path "${path}" is too long for a tar header`);
}

function header(entry: ArchiveEntry): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const [prefix, name] = splitPath(entry.path);
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, entry.content.length);
  writeOctal(block, 136, 12, 0); // mtime: fixed, so the archive depends on content only
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  block[156] = 0x30; // regular file
  writeText(block, 257, 6, "ustar\0");
  writeText(block, 263, 2, "00");
  writeText(block, 345, 155, prefix);
  const sum = block.reduce((total, byte) => total + byte, 0);
  writeText(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/**
 * A ustar archive of `entries`, sorted by path, with every timestamp, owner and mode fixed: the
 * same files give the same bytes on every machine. Paths must be relative and unique.
 */
export function tarArchive(entries: readonly ArchiveEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks: Uint8Array[] = [];
  let size = 0;
  let previous: string | undefined;
  for (const entry of sorted) {
    if (entry.path === previous) throw new RangeError(`archive: "${entry.path}" appears twice`);
    if (entry.path === "" || entry.path.startsWith("/") || entry.path.split("/").some((s) => s === ".." || s === "." || s === "")) {
      throw new RangeError(`archive: "${entry.path}" is not a relative path`);
    }
    previous = entry.path;
    const padded = new Uint8Array(Math.ceil(entry.content.length / BLOCK) * BLOCK);
    padded.set(entry.content);
    chunks.push(header(entry), padded);
    size += BLOCK + padded.length;
  }
  chunks.push(new Uint8Array(2 * BLOCK)); // end-of-archive marker
  size += 2 * BLOCK;
  const archive = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    archive.set(chunk, offset);
    offset += chunk.length;
  }
  return archive;
}

/** Gzip with a fixed header (no timestamp, "unknown" operating system), so output depends on input only. */
export function gzipFixed(data: Uint8Array): Uint8Array {
  const compressed = new Uint8Array(gzipSync(data, { level: 9 }));
  compressed[9] = 0xff;
  return compressed;
}

/** Reads back the entries of a ustar archive written by tarArchive (regular files only). */
export function readTarArchive(archive: Uint8Array): ArchiveEntry[] {
  const decoder = new TextDecoder();
  const text = (offset: number, length: number) => {
    const bytes = archive.subarray(offset, offset + length);
    const end = bytes.indexOf(0);
    return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
  };
  const entries: ArchiveEntry[] = [];
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    if (archive.subarray(offset, offset + BLOCK).every((b) => b === 0)) break;
    const name = text(offset, 100);
    const prefix = text(offset + 345, 155);
    const size = Number.parseInt(text(offset + 124, 12), 8);
    const start = offset + BLOCK;
    entries.push({ path: prefix ? `${prefix}/${name}` : name, content: archive.slice(start, start + size) });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
