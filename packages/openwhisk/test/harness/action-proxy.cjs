// A stand-in for the Apache OpenWhisk Node.js action proxy (apache/openwhisk-runtime-nodejs,
// core/nodejsActionBase: app.js, src/service.js, runner.js, platform/openwhisk.js), written
// from its documented and observed behaviour so that wrapped actions can be driven through the
// same /init and /run protocol without Docker. It runs in its own process: a synchronous throw
// stops the "container" and a background error exits it, exactly as in the real image.
//
// Differences from the real proxy, all deliberate:
// - node:http instead of Express; it listens on 127.0.0.1 and an ephemeral port (the real one
//   binds 8080 on all interfaces) and prints `OW_HARNESS_PORT <port>` once on stdout at start.
// - zip archives are extracted with adm-zip instead of `unzip -qq` unless the parent names an
//   `unzip` executable; tar.gz with `tar -xzf`.
// - `npm install` at init (OW_ENABLE_INIT_INSTALL) is not reproduced.
// Rejections are serialized with serialize-error 9.1.0, the version the runtime's package.json
// pins (it leaves an error's `cause` out). OPENWHISK_RUNTIME_DIR makes the harness start the
// real proxy instead (harness.ts); every suite that uses this stand-in passes against both.
// The parent copies this file to `<tmp>/nodejsAction/app.js` and starts it there, so user
// code and runtime frames sit under a `/nodejsAction/` folder as in the image.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const childProcess = require('node:child_process');
const { pathToFileURL } = require('node:url');

// argv[2]: JSON `{ admZip, serializeError, unzip? }` with absolute paths of the two helper
// packages (this copy lives outside the repository, so bare specifiers would not resolve) and,
// optionally, of an `unzip` executable to extract zip archives with, as the real runner does.
const deps = JSON.parse(process.argv[2] || '{}');

const config = {
  apiHost: process.env.__OW_API_HOST,
  allowConcurrent: process.env.__OW_ALLOW_CONCURRENT,
  requestBodyLimit: 48 * 1024 * 1024,
};

// runner.js ------------------------------------------------------------------------------------

const MKTEMP_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `mktemp -d XXXXXXXX`: a fresh directory with an 8-character name, relative to the cwd. */
function mkTempDir() {
  for (;;) {
    const bytes = crypto.randomBytes(8);
    let name = '';
    for (const b of bytes) name += MKTEMP_CHARS[b % MKTEMP_CHARS.length];
    try {
      fs.mkdirSync(name, { mode: 0o700 });
      return name;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
}

function detectFileType(base64String) {
  const magic = Buffer.from(base64String, 'base64').subarray(0, 4).toString('hex');
  if (magic === '504b0304') return 'zip';
  if (magic === '1f8b0808' || magic === '1f8b0800') return 'tar.gz';
  return 'unsupported';
}

function extractInTmpDir(code) {
  return new Promise((resolve, reject) => {
    const ext = detectFileType(code);
    // Like the real runner: one temp dir holds the archive, a second one the extracted files.
    const archiveFile = path.join(mkTempDir(), `action.${ext}`);
    fs.writeFile(archiveFile, code, 'base64', (err) => {
      if (err) return reject('There was an error reading the action archive.');
      const tmpDir = mkTempDir();
      try {
        if (ext === 'zip' && deps.unzip) {
          // As the real runner does (`unzip -qq <archive> -d <dir>`), when the caller names the tool.
          childProcess.execFileSync(deps.unzip, ['-qq', archiveFile, '-d', tmpDir]);
        } else if (ext === 'zip') {
          const AdmZip = require(deps.admZip);
          new AdmZip(archiveFile).extractAllTo(tmpDir, true);
        } else {
          childProcess.execFileSync('tar', ['-xzf', archiveFile, '-C', tmpDir]);
        }
      } catch {
        return reject(
          `There was an error uncompressing the action ${ext === 'zip' ? 'Zip' : 'Tar GZ'} archive.`,
        );
      }
      resolve(path.resolve(tmpDir));
    });
  });
}

/** `"a"` → [undefined, "a"]; `"file.fn"` → ["file", "fn"]; `"file.ns.fn"` → ["file", "ns.fn"]. */
function splitMainHandler(handler) {
  const m = handler.match(/^([^.]+)$|^([^.]+)\.(.+)$/);
  if (m && m.length === 4) return [m[2], m[3] || m[1]];
  return undefined;
}

function assertMainIsFunction(handler, name) {
  if (typeof handler === 'function') return Promise.resolve(handler);
  return Promise.reject(`Action entrypoint '${name}' is not a function.`);
}

function initializeActionHandler(message) {
  if (message.binary) {
    if (detectFileType(message.code) === 'unsupported') {
      return Promise.reject(
        'There was an error uncompressing the action archive. The file type is unsupported',
      );
    }
    return extractInTmpDir(message.code).then((moduleDir) => {
      const parts = splitMainHandler(message.main);
      if (parts === undefined) return Promise.reject('Name of main function is not valid.');
      const [index, main] = parts;
      process.chdir(moduleDir);
      if (index === undefined && !fs.existsSync('package.json') && !fs.existsSync('index.js')) {
        return Promise.reject('Zipped actions must contain either package.json or index.js at the root.');
      }
      const whatToRequire = index !== undefined ? path.join(moduleDir, index) : moduleDir;
      // The real runner evaluates `require("<path>").<main>`, so a dotted main walks properties.
      const handler = main
        .split('.')
        .reduce((obj, key) => (obj == null ? undefined : obj[key]), require(whatToRequire));
      return assertMainIsFunction(handler, message.main);
    });
  }
  try {
    // Inline code is evaluated inside a function in this module (so `require`, `module` and
    // `exports` are the runner's), falling back to `module.exports.<main>` or `exports.<main>`.
    // The code starts on the second line of the evaluated text after 15 spaces, as in the real
    // runner: V8 reports the action's frames at those positions (`<anonymous>:2:16` for 1:1).
    // biome-ignore lint/security/noGlobalEval: the runtime under imitation evaluates inline action code.
    const handler = eval(
      `(function(){
               ${message.code}
         try {
           return ${message.main}
         } catch (e) {
           if (e.name === 'ReferenceError') {
             return module.exports.${message.main} || exports.${message.main}
           } else throw e
         }
       })()`,
    );
    return assertMainIsFunction(handler, message.main);
  } catch (e) {
    return Promise.reject(e);
  }
}

class NodeActionRunner {
  constructor(handler) {
    this.userScriptMain = handler;
  }

  run(args) {
    return new Promise((resolve, reject) => {
      let result;
      try {
        result = this.userScriptMain(args);
      } catch (e) {
        reject(e);
      }
      this.finalizeResult(result, resolve);
    });
  }

  finalizeResult(result, resolve) {
    Promise.resolve(result)
      .then((resolved) => resolve(resolved === undefined ? {} : resolved))
      .catch((error) => {
        // A rejection becomes a successful run carrying a serialized error.
        if (!error) return resolve({ error: {} });
        import(pathToFileURL(deps.serializeError).href)
          .then((mod) => resolve({ error: mod.serializeError(error) }))
          .catch((err) => resolve({ error: err.message }));
      });
  }
}

// src/service.js -------------------------------------------------------------------------------

const Status = { ready: 'ready', starting: 'starting', running: 'running', stopped: 'stopped' };
const ignoreRunStatus =
  config.allowConcurrent === undefined ? false : config.allowConcurrent.toLowerCase() === 'true';
let status = Status.ready;
let userCodeRunner;

function setStatus(next) {
  if (status !== Status.stopped) status = next;
}
const responseMessage = (code, response) => ({ code, response });
const errorMessage = (code, error) => responseMessage(code, { error });

function writeMarkers() {
  console.log('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
  console.error('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
}

function initCode(body) {
  if (status === Status.ready && userCodeRunner === undefined) {
    setStatus(Status.starting);
    const message = body?.value || {};
    if (
      message.main &&
      message.code &&
      typeof message.main === 'string' &&
      typeof message.code === 'string'
    ) {
      return doInit(message).then(
        () => {
          setStatus(Status.ready);
          return responseMessage(200, { OK: true });
        },
        (error) => {
          setStatus(Status.stopped);
          const errStr = `Initialization has failed due to: ${error.stack ? String(error.stack) : error}`;
          return Promise.reject(errorMessage(502, errStr));
        },
      );
    }
    setStatus(Status.ready);
    return Promise.reject(errorMessage(403, 'Missing main/no code to execute.'));
  }
  const msg =
    userCodeRunner !== undefined
      ? 'Cannot initialize the action more than once.'
      : `System not ready, status is ${status}.`;
  console.error('Internal system error:', msg);
  return Promise.reject(errorMessage(403, msg));
}

function doInit(message) {
  // Init `env` reaches process.env before the code is evaluated.
  if (message.env && typeof message.env === 'object') {
    for (const k of Object.keys(message.env)) {
      const val = message.env[k];
      if (typeof val !== 'object' || val == null) process.env[k] = val ? val.toString() : '';
      else process.env[k] = JSON.stringify(val);
    }
  }
  return initializeActionHandler(message)
    .then((handler) => {
      userCodeRunner = new NodeActionRunner(handler);
    })
    .catch((error) => {
      console.error('Error during initialization:', error);
      writeMarkers();
      return Promise.reject(error);
    });
}

function runCode(body) {
  if (status === Status.ready && userCodeRunner !== undefined) {
    if (!ignoreRunStatus) setStatus(Status.running);
    const msg = body || {};
    if (msg.value === null || msg.value === undefined) {
      msg.value = {};
    } else if (typeof msg.value !== 'object') {
      const errStr = `Internal system error: the argument must be a dictionary but has type '${typeof msg.value}'.`;
      console.error('Internal system error:', errStr);
      return Promise.reject(errorMessage(403, errStr));
    }
    return doRun(msg).then(
      (result) => {
        if (!ignoreRunStatus) setStatus(Status.ready);
        if (typeof result !== 'object') return errorMessage(502, 'The action did not return a dictionary.');
        return responseMessage(200, result);
      },
      (error) => {
        setStatus(Status.stopped);
        return Promise.reject(errorMessage(502, `An error has occurred: ${error}`));
      },
    );
  }
  const msg = userCodeRunner ? `System not ready, status is ${status}.` : 'System not initialized.';
  console.error('Internal system error:', msg);
  return Promise.reject(errorMessage(403, msg));
}

function doRun(msg) {
  // Every top-level string key but `value` becomes __OW_<KEY>; nothing is ever cleared.
  for (const k of Object.keys(msg)) {
    if (typeof msg[k] === 'string' && k !== 'value') process.env[`__OW_${k.toUpperCase()}`] = msg[k];
  }
  return userCodeRunner.run(msg.value).then(
    (result) => {
      if (typeof result !== 'object') {
        console.error(`Result must be of type object but has type "${typeof result}":`, result);
      }
      writeMarkers();
      return result;
    },
    (error) => {
      console.error(error);
      writeMarkers();
      return Promise.reject(error);
    },
  );
}

// app.js + platform/openwhisk.js ---------------------------------------------------------------

function send(res, code, payload) {
  const text = JSON.stringify(payload);
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

function wrapEndpoint(ep, body, res) {
  try {
    ep(body).then(
      (result) => send(res, result.code, result.response),
      (error) => {
        if (typeof error.code === 'number' && typeof error.response !== 'undefined') {
          send(res, error.code, error.response);
        } else {
          console.error('[wrapEndpoint]', 'invalid errored promise', JSON.stringify(error));
          send(res, 500, { error: 'Internal error.' });
        }
      },
    );
  } catch (e) {
    console.error('[wrapEndpoint]', 'exception caught', e.message);
    send(res, 500, { error: 'Internal error (exception).' });
  }
}

/** express.json(): only `application/json` bodies are parsed (strictly: object or array). */
function parseBody(req, raw) {
  const type = String(req.headers['content-type'] || '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/json') return { ok: true, body: {} };
  const text = raw.toString('utf8');
  if (text.trim() === '') return { ok: true, body: {} };
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > config.requestBodyLimit) tooLarge = true;
    else chunks.push(c);
  });
  req.on('end', () => {
    const parsed = tooLarge ? { ok: false } : parseBody(req, Buffer.concat(chunks));
    if (!parsed.ok) {
      // Express's final error handler: logs `err.stackTrace` (undefined) and answers 500.
      console.log(undefined);
      return send(res, 500, { error: 'Bad request.' });
    }
    const route = (req.url || '').split('?')[0];
    if (req.method === 'POST' && route === '/init') return wrapEndpoint(initCode, parsed.body, res);
    if (req.method === 'POST' && route === '/run') return wrapEndpoint(runCode, parsed.body, res);
    send(res, 500, { error: 'Bad request.' });
  });
});
// The real proxy disables the socket timeout so long activations are never cut off.
server.timeout = 0;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`OW_HARNESS_PORT ${server.address().port}\n`);
});
