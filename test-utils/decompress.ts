import * as zlib from 'node:zlib';

/** Undoes the `Content-Encoding`s the protocol allows: gzip, deflate (zlib-wrapped, or raw), br, and zstd where Node has it. */
export function decompress(encoding: string, body: Buffer): Buffer {
  switch (encoding) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      try {
        return zlib.inflateSync(body);
      } catch {
        return zlib.inflateRawSync(body);
      }
    case 'br':
      return zlib.brotliDecompressSync(body);
    case 'zstd': {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
      if (zstd) return zstd(body);
      throw new UnsupportedEncoding(encoding);
    }
    default:
      throw new UnsupportedEncoding(encoding);
  }
}

export class UnsupportedEncoding extends Error {
  constructor(encoding: string) {
    super(`unsupported Content-Encoding "${encoding}"`);
  }
}
