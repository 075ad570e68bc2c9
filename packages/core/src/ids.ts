/** Random bytes for 64 ids, drawn at once: one call into the platform's generator per 64 ids. */
const POOL_IDS = 64;
let pool: Uint8Array | undefined;
let poolAt = POOL_IDS * 16;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function randomBytes16(): Uint8Array {
  if (poolAt >= POOL_IDS * 16 || pool === undefined) {
    pool = new Uint8Array(POOL_IDS * 16);
    if (typeof crypto !== 'undefined' && crypto && typeof crypto.getRandomValues === 'function') {
      crypto.getRandomValues(pool);
    } else {
      for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(Math.random() * 256);
    }
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  return bytes;
}

/** A random UUID v4 as 32 lowercase hex characters, the form Sentry expects for ids. */
export function uuid4(): string {
  const bytes = randomBytes16();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

/** Seconds since the epoch, with millisecond precision. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Whether `value` is an id in the 32-lowercase-hex form. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

/** Whether `value` is a thenable (user hooks may return one). */
export function isPromiseLike<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
