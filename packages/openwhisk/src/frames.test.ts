import type { StackFrame } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { rewriteFrames } from './frames.js';

const frame = (filename: string, in_app = true): StackFrame => ({
  filename,
  abs_path: filename,
  function: 'f',
  lineno: 1,
  colno: 1,
  in_app,
});

describe('rewriteFrames', () => {
  it('rewrites the random unpack folder to app:///', () => {
    const [f] = rewriteFrames([frame('/nodejsAction/9ONLWGb2/lib/handler.js')]);
    expect(f).toMatchObject({
      filename: 'app:///lib/handler.js',
      abs_path: 'app:///lib/handler.js',
      in_app: true,
    });
  });

  it('matches a nodejsAction folder anywhere in the path, and keeps bundled node_modules out of the app', () => {
    const [a, b] = rewriteFrames([
      frame('/tmp/ow-harness-x/nodejsAction/AbCd1234/index.js'),
      frame('/nodejsAction/AbCd1234/node_modules/lib/x.js', false),
    ]);
    expect(a?.filename).toBe('app:///index.js');
    expect(b).toMatchObject({ filename: 'app:///node_modules/lib/x.js', in_app: false });
  });

  it('marks the runtime’s own files as not in-app and leaves the rest alone', () => {
    const frames = rewriteFrames([
      frame('/nodejsAction/runner.js'),
      frame('/nodejsAction/src/service.js'),
      frame('/nodejsAction/platform/platform.js'),
      frame('/srv/app/handler.js'),
      frame('/nodejsAction/short/x.js'),
    ]);
    expect(frames.map((f) => f.in_app)).toEqual([false, false, false, true, true]);
    expect(frames[3]?.filename).toBe('/srv/app/handler.js');
  });

  it('takes another unpack root when configured', () => {
    const [f] = rewriteFrames([frame('/action/abc/main.js')], { unpackRoot: /\/action\/[a-z]{3}\// });
    expect(f?.filename).toBe('app:///main.js');
  });
});
