import type { Integration, StackFrame } from '@faultline/core';
import { applyFrameResolver } from '@faultline/core';

/**
 * Where the runtime unpacks a zip action: `mktemp -d XXXXXXXX` below its working directory
 * `/nodejsAction` (core/nodejsActionBase/runner.js `extractInTmpDir`), so every container has
 * its own random folder. Frames below it are rewritten to `app:///…` so the same bug groups
 * across containers.
 */
export const DEFAULT_UNPACK_ROOT = /\/nodejsAction\/[A-Za-z0-9]{8}\//;

/** The proxy's own files (app.js, runner.js, src/, platform/) and its dependencies. */
export const DEFAULT_RUNTIME_FILES = /\/nodejsAction\/(?:app\.js|runner\.js|src\/|platform\/|node_modules\/)/;

export interface FrameOptions {
  /** Matches the folder an archive was unpacked to; everything up to its end becomes `app:///`. */
  unpackRoot?: RegExp;
  /** Frames in these files belong to the runtime and are never in-app. */
  runtimeFiles?: RegExp;
}

export function rewriteFrames(frames: StackFrame[], options: FrameOptions = {}): StackFrame[] {
  const unpackRoot = options.unpackRoot ?? DEFAULT_UNPACK_ROOT;
  const runtimeFiles = options.runtimeFiles ?? DEFAULT_RUNTIME_FILES;
  return frames.map((frame) => {
    const file = frame.filename ?? frame.abs_path;
    if (!file) return frame;
    // Checked first: the runtime's own `platform/` folder also has eight letters.
    if (runtimeFiles.test(file)) return { ...frame, in_app: false };
    const match = unpackRoot.exec(file);
    if (match) {
      const rest = file.slice(match.index + match[0].length);
      const rewritten = `app:///${rest}`;
      return {
        ...frame,
        filename: rewritten,
        abs_path: rewritten,
        in_app: !/(^|\/)node_modules\//.test(rest),
      };
    }
    return frame;
  });
}

/** Runs after the runtime's own frame work (source maps, context lines), which needs the real paths. */
export function openwhiskFramesIntegration(options: FrameOptions = {}): Integration {
  return {
    name: 'OpenWhiskFrames',
    processEvent(event) {
      return applyFrameResolver(event, (frames) => rewriteFrames(frames, options));
    },
  };
}
