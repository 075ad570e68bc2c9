import { describe, expect, it } from 'vitest';
import { sanitizeEvent } from './sanitize.js';
import { utf8Length } from './sanitize-fit.js';
import { createSanitizeMemory } from './sanitize-memory.js';
import { testEvent } from './test-events.js';
import { SECRET_CASES } from './test-secrets.js';
import type { FaultlineEvent, StackFrame } from './types.js';

// Sanitized frames are remembered between events (an error that repeats brings the same frames):
// these tests check that what is remembered never stands in for a frame that changed.

const secret = SECRET_CASES.find((c) => c.name.includes('github'))?.secret ?? SECRET_CASES[0]!.secret;
const line = (text: string) => `  const value = ${text};`;

function frameOf(file: string, lineno = 12): StackFrame {
  return {
    filename: file,
    abs_path: file,
    function: 'loadOrder',
    lineno,
    colno: 9,
    in_app: true,
    pre_context: ['function loadOrder(id) {', line('id + 1')],
    context_line: line('fetchOrder(id)'),
    post_context: ['  return value;', '}'],
  };
}

function eventWith(frames: StackFrame[]): FaultlineEvent {
  return testEvent({ exception: { values: [{ type: 'Error', value: 'boom', stacktrace: { frames } }] } });
}

/** One memory for the whole file, as a client keeps one for all its events. */
const memory = createSanitizeMemory();
const framesOut = (event: FaultlineEvent, options = {}) =>
  sanitizeEvent(event, options, memory).exception?.values[0]?.stacktrace?.frames ?? [];

let files = 0;
/** A file no other test used, so each test starts without remembered frames of its own. */
const freshFile = () => `/srv/app/frames-${Math.random().toString(36).slice(2)}-${++files}.js`;

describe('sanitized frames remembered between events', () => {
  it('gives two events of one error identical frames, each scrubbed, shared and frozen', () => {
    const file = freshFile();
    const withSecret = () => {
      const frame = frameOf(file);
      frame.pre_context = [line(`'${secret}'`), 'x'];
      return frame;
    };
    const first = framesOut(eventWith([withSecret(), frameOf(file, 30)]));
    const second = framesOut(eventWith([withSecret(), frameOf(file, 30)]));
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).not.toContain(secret);
    // One sanitized frame serves both events: no event can change it for the other.
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(second[0]) && Object.isFrozen(second[0]?.pre_context)).toBe(true);
    const expected = structuredClone(second);
    for (const out of [first, second]) {
      expect(() => out[0]!.pre_context!.push(secret)).toThrow(TypeError);
      expect(() => {
        out[0]!.context_line = secret;
      }).toThrow(TypeError);
    }
    const third = framesOut(eventWith([withSecret(), frameOf(file, 30)]));
    expect(third).toEqual(expected);
    expect(JSON.stringify(third)).not.toContain(secret);
  });

  it('sanitizes a frame again when any field changed, a source line changed in place included', () => {
    const file = freshFile();
    const frame = frameOf(file);
    framesOut(eventWith([frame]));
    // The same objects, changed in place after they were sanitized once (as beforeSend may).
    frame.pre_context![1] = line(`'${secret}'`);
    expect(JSON.stringify(framesOut(eventWith([frame])))).not.toContain(secret);
    const again = frameOf(file);
    framesOut(eventWith([again]));
    again.context_line = line(`'${secret}'`);
    expect(JSON.stringify(framesOut(eventWith([again])))).not.toContain(secret);
    const renamed = frameOf(file);
    framesOut(eventWith([renamed]));
    renamed.function = `handler ${secret}`;
    expect(JSON.stringify(framesOut(eventWith([renamed])))).not.toContain(secret);
    const grown = frameOf(file);
    framesOut(eventWith([grown]));
    grown.post_context!.push(line(`'${secret}'`));
    const out = framesOut(eventWith([grown]));
    expect(out[0]?.post_context).toHaveLength(3);
    expect(JSON.stringify(out)).not.toContain(secret);
  });

  it('compares every field a sanitized frame is made of, each read by name', () => {
    const changes: Array<[keyof StackFrame, unknown]> = [
      ['abs_path', `/srv/${secret}.js`],
      ['function', `run ${secret}`],
      ['module', `mod ${secret}`],
      ['lineno', 13],
      ['colno', 10],
      ['in_app', false],
      ['pre_context', ['a', line(`'${secret}'`)]],
      ['context_line', line(`'${secret}'`)],
      ['post_context', [line(`'${secret}'`)]],
    ];
    for (const [field, value] of changes) {
      const file = freshFile();
      const before = framesOut(eventWith([frameOf(file)]))[0];
      const changed = frameOf(file);
      (changed as Record<string, unknown>)[field] = value;
      const out = framesOut(eventWith([changed]))[0] as Record<string, unknown>;
      expect(out, field).not.toBe(before);
      expect(JSON.stringify(out), field).not.toContain(secret);
      if (!JSON.stringify(value).includes(secret)) expect(out[field], field).toEqual(value);
      // The frame as it was is still served its own result.
      expect(framesOut(eventWith([frameOf(file)]))[0], field).toBe(before);
    }
  });

  it("follows each event's scrub options: custom patterns, and e-mail kept only with sendDefaultPii", () => {
    const file = freshFile();
    const frame = () => {
      const f = frameOf(file);
      f.context_line = line("'jane.doe@example.com' + ORDER-77-SECRET");
      return f;
    };
    const plain = framesOut(eventWith([frame()]));
    expect(plain[0]?.context_line).not.toContain('jane.doe@example.com');
    const pii = framesOut(eventWith([frame()]), { sendDefaultPii: true });
    expect(pii[0]?.context_line).toContain('jane.doe@example.com');
    const custom = framesOut(eventWith([frame()]), {
      valuePatterns: [{ name: 'order', pattern: /ORDER-\d+-SECRET/ }],
    });
    expect(custom[0]?.context_line).not.toContain('ORDER-77-SECRET');
    expect(framesOut(eventWith([frame()]))[0]?.context_line).toContain('ORDER-77-SECRET');
  });

  it("leaves out the user name of a frame's path under a home directory, unless sendDefaultPii", () => {
    const file = `/home/jdoe${freshFile()}`;
    const windows = 'C:\\Users\\Jane\\app\\dist\\server.js';
    const out = framesOut(eventWith([frameOf(file), frameOf(windows)]));
    expect(out.map((f) => [f.filename, f.abs_path])).toEqual([
      [file.replace('jdoe', '[user]'), file.replace('jdoe', '[user]')],
      ['C:\\Users\\[user]\\app\\dist\\server.js', 'C:\\Users\\[user]\\app\\dist\\server.js'],
    ]);
    const pii = framesOut(eventWith([frameOf(file)]), { sendDefaultPii: true });
    expect(pii[0]?.filename).toBe(file);
  });

  it('reads frames whose lists throw or hold objects without failing or leaking', () => {
    const file = freshFile();
    framesOut(eventWith([frameOf(file)]));
    const hostile = frameOf(file);
    hostile.pre_context = new Proxy(hostile.pre_context!, {
      get(target, key) {
        if (key === '1') throw new Error('no');
        return Reflect.get(target, key);
      },
    });
    const out = framesOut(eventWith([hostile]));
    expect(out[0]?.pre_context).toEqual(['function loadOrder(id) {', '']);
    const nested = frameOf(file);
    const inner = ['x'];
    (nested as unknown as { pre_context: unknown[] }).pre_context = [inner, 'y'];
    framesOut(eventWith([nested]));
    inner[0] = secret;
    expect(JSON.stringify(framesOut(eventWith([nested])))).not.toContain(secret);
  });

  it('keeps each event within maxEventBytes when its frames and scope parts were remembered', () => {
    const file = freshFile();
    const make = (message: string): FaultlineEvent => {
      const event = eventWith([frameOf(file, 100), frameOf(file, 101)]);
      event.exception!.values[0]!.value = message;
      event.breadcrumbs = Array.from({ length: 3 }, (_, i) => ({ message: `${'b'.repeat(100)} ${i}` }));
      event.contexts = { order: { note: 'c'.repeat(100) } };
      return event;
    };
    const size = (message: string) =>
      utf8Length(JSON.stringify(sanitizeEvent(make(message), { maxEventBytes: 6000 }, memory)));
    const first = size('short');
    expect(first).toBeLessThan(2000);
    // The same frames and parts again (now remembered), with a message that takes it over the limit.
    expect(size('m'.repeat(5900))).toBeLessThanOrEqual(6000);
    expect(size('short')).toBe(first);
  });

  it('stays correct when more frames come than it keeps', () => {
    const file = freshFile();
    const withSecret = (lineno: number) => {
      const frame = frameOf(file, lineno);
      frame.context_line = line(`'${secret}' + ${lineno}`);
      return frame;
    };
    const first = framesOut(eventWith([withSecret(1)]));
    for (let i = 2; i < 1200; i++) framesOut(eventWith([withSecret(i), frameOf(freshFile(), i)]));
    const again = framesOut(eventWith([withSecret(1)]));
    expect(again).toEqual(first);
    expect(JSON.stringify(again)).not.toContain(secret);
    expect(again[0]?.context_line).toContain('+ 1;');
  });
});
