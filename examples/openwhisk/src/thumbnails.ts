export interface ThumbnailRequest {
  image?: { url: string; width?: number };
  size?: number;
}

/** Computes the thumbnail's size. An image without a width is a real bug, thrown right here. */
export function thumbnailSize(request: ThumbnailRequest): { width: number; height: number } {
  const width = (request.image as { width: number }).width;
  const size = request.size ?? 128;
  return { width: Math.min(width, size), height: Math.min(width, size) };
}

/** Stores a thumbnail; the bucket is down, and the failure surfaces after an await. */
export async function storeThumbnail(name: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new Error(`could not store ${name}: thumbnail bucket answered 503`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
