import { wrapAction } from '@faultline/openwhisk';
import { sleep, storeThumbnail, type ThumbnailRequest, thumbnailSize } from './thumbnails.js';

interface Params extends ThumbnailRequest {
  /** Which path through the action this activation takes (the local invoker sets it). */
  mode?: 'ok' | 'throw' | 'quota' | 'slow';
  /** How long the slow path works. */
  workMs?: number;
  /** Set by OpenWhisk when the action is invoked as a web action. */
  __ow_method?: string;
  __ow_path?: string;
}

function thumbnail(params: Params) {
  // Web action: POST /thumbnails stores the image, which fails after an await.
  if (params.__ow_method) {
    return storeThumbnail(params.image?.url ?? 'unnamed').then((location) => ({
      statusCode: 201,
      headers: { location },
    }));
  }
  switch (params.mode) {
    case 'throw':
      // Throws synchronously, before any promise exists: Faultline still reports it.
      return { thumbnail: thumbnailSize(params) };
    case 'quota':
      // An application error returned the OpenWhisk way: the activation "succeeds" with {error}.
      return { error: { code: 'QUOTA_EXCEEDED', message: 'thumbnail quota exceeded for this namespace' } };
    case 'slow':
      // Works for longer than the action's time limit allows: a warning arrives before the kill.
      return sleep(params.workMs ?? 2500).then(() => ({ thumbnail: 'late' }));
    default:
      return {
        thumbnail: thumbnailSize({ image: { url: 'cat.png', width: 640 }, size: params.size ?? 128 }),
      };
  }
}

// The DSN comes from the FAULTLINE_DSN parameter or the container environment. A web action
// that throws answers a plain 500 instead of the serialized error, so no stack reaches clients.
export const main = wrapAction(thumbnail, { release: 'example-openwhisk@0.1.0', webErrorResponse: true });
