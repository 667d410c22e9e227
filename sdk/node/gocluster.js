'use strict';
/**
 * gocluster worker SDK for Node.js: serve your own job kinds to a gocluster pool.
 *
 * One file, no npm dependencies, Node 18+, CommonJS (ESM code imports it with
 * `import gocluster from './gocluster.js'`). Copy it beside your worker:
 *
 *   const gocluster = require('./gocluster');
 *   gocluster.job('wordcount', { doc: 'counts words in a string', example: 'to be or not' },
 *     (text) => text.split(/\s+/).filter(Boolean).length);
 *   gocluster.run();
 *
 * and serve it with `gocluster serve -exec 'node worker.js'`. Coming from Node's
 * cluster module: the code under `if (cluster.isWorker)` becomes jobs and message
 * handlers; process.send is gocluster.send, process.on('message') is
 * gocluster.onMessage; the primary's side is gocluster serve and its HTTP API.
 *
 * A job function takes the job's input (any JSON value, already parsed) and returns
 * its result, or a Promise of it. Jobs run one at a time, in the order they came. A
 * thrown error (or a rejected Promise) fails the job with the error's message, and
 * err_data says its name; throw a JobError to choose err_data yourself.
 *
 * The wire protocol is docs/protocol.md (version 2): JSON lines on the Unix socket
 * at fd GOCLUSTER_IPC_FD (3). On a disconnect frame the running job finishes, its
 * result is sent, jobs received behind it are left for the primary to requeue, and
 * the process exits 0.
 */
const net = require('node:net');

const PROTOCOL_VERSION = 2;
const DEFAULT_MAX_FRAME = 1 << 20;
const DEFAULT_MAX_JOB_BYTES = 64 << 10;
const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const DOC_MAX = 200;

/** JobError fails a job with err_data of your choice: throw new JobError('bad input', {field: 'w'}). */
class JobError extends Error {
  constructor(message, data) {
    super(message);
    this.name = 'JobError';
    this.data = data;
  }
}

/** FrameTooLarge: a frame over GOCLUSTER_MAX_FRAME; it was not sent. */
class FrameTooLarge extends Error {
  constructor(size, limit) {
    super(`frame too large: ${size} bytes, limit ${limit}`);
    this.name = 'FrameTooLarge';
    this.code = 'FRAME_TOO_LARGE';
  }
}

function envInt(env, name, def) {
  const n = Number(env[name]);
  return Number.isInteger(n) && n > 0 ? n : def;
}

/** Worker holds one worker's kinds and handlers; the module's functions use a default one. */
class Worker {
  constructor() {
    this.kinds = new Map();
    this.handlers = [];
    this.sock = null;
    this.maxFrame = DEFAULT_MAX_FRAME;
    this.maxJob = DEFAULT_MAX_JOB_BYTES;
    this.queue = [];
    this.running = false;
    this.leaving = false;
  }

  /** job(name, [{doc, example}], fn) serves fn as the job kind name. */
  job(name, opts, fn) {
    if (typeof opts === 'function') [opts, fn] = [{}, opts];
    opts = opts || {};
    if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`job name ${JSON.stringify(name)} must match ${NAME}`);
    if (this.kinds.has(name)) throw new TypeError(`job ${name} is declared twice`);
    if (typeof fn !== 'function') throw new TypeError(`job ${name}: the last argument must be a function`);
    const doc = opts.doc === undefined ? '' : opts.doc;
    if (typeof doc !== 'string' || [...doc].length > DOC_MAX || /[\r\n]/.test(doc)) {
      throw new TypeError(`job ${name}: doc must be one line of at most ${DOC_MAX} characters`);
    }
    const kind = { name, doc };
    if (opts.example !== undefined) kind.example = JSON.parse(JSON.stringify(opts.example));
    this.kinds.set(name, { fn, kind });
    return this;
  }

  /** onMessage(fn) calls fn(data) for every msg frame from the primary (process.on('message')). */
  onMessage(fn) {
    this.handlers.push(fn);
    return this;
  }

  /** send(data) sends any JSON value to the primary (process.send). Throws FrameTooLarge. */
  send(data) {
    this.write({ t: 'msg', d: data === undefined ? null : data });
  }

  /** run() says hello and serves jobs and messages until the primary says disconnect. */
  run(env = process.env) {
    if (env.GOCLUSTER_WORKER_ID === undefined) {
      process.stderr.write(`gocluster: GOCLUSTER_WORKER_ID is not set; start this program with: gocluster serve -exec 'node ${process.argv[1]}'\n`);
      process.exitCode = 2;
      return;
    }
    this.maxFrame = envInt(env, 'GOCLUSTER_MAX_FRAME', DEFAULT_MAX_FRAME);
    this.maxJob = envInt(env, 'GOCLUSTER_MAX_JOB_BYTES', DEFAULT_MAX_JOB_BYTES);
    this.sock = new net.Socket({ fd: envInt(env, 'GOCLUSTER_IPC_FD', 3), readable: true, writable: true });
    this.sock.on('error', (err) => this.broken(`the IPC channel: ${err.message}`));
    this.sock.on('end', () => this.leave());
    this.write({ t: 'hello', v: PROTOCOL_VERSION, id: Number(env.GOCLUSTER_WORKER_ID), pid: process.pid,
      kinds: [...this.kinds.values()].map((k) => k.kind) });
    let buf = '';
    this.sock.setEncoding('utf8');
    this.sock.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== '') this.onLine(line);
      }
      if (buf.length > this.maxFrame) this.broken(`a frame from the primary over ${this.maxFrame} bytes`);
    });
  }

  onLine(line) {
    let f;
    try {
      f = JSON.parse(line);
    } catch (err) {
      this.broken(`bad frame from the primary: ${err.message}`);
      return;
    }
    switch (f.t) {
      case 'job':
        this.queue.push(f);
        this.pump();
        break;
      case 'msg':
        for (const fn of this.handlers) {
          try {
            fn(f.d);
          } catch (err) {
            console.error(err); // a bad handler must not take the jobs down with it
          }
        }
        break;
      case 'disconnect':
        this.leave();
        break;
      case 'exit': // now, even mid-job: the panel's crash button
        process.exit(Number.isInteger(f.code) && f.code >= 0 && f.code <= 255 ? f.code : 1);
        break;
      default: // server and conn frames are for workers that share sockets
    }
  }

  // leave finishes the running job (the job the primary counts as running), then
  // closes the channel and exits 0; jobs queued behind it go back to the primary.
  leave() {
    this.leaving = true;
    if (!this.running) this.close(0);
  }

  async pump() {
    if (this.running) return;
    this.running = true;
    while (this.queue.length > 0) {
      await this.runJob(this.queue.shift());
      if (this.leaving) {
        this.close(0);
        return;
      }
    }
    this.running = false;
  }

  async runJob(f) {
    const start = process.hrtime.bigint();
    const res = { t: 'result', job: f.job };
    const k = this.kinds.get(f.kind);
    if (!k) {
      res.err = `this worker has no job kind ${JSON.stringify(f.kind)} (it serves ${[...this.kinds.keys()].sort().join(', ') || 'none'})`;
    } else {
      try {
        const out = await k.fn(f.in);
        res.out = out === undefined ? null : out;
      } catch (err) {
        Object.assign(res, failure(err));
      }
    }
    res.ms = Math.round(Number(process.hrtime.bigint() - start) / 1e3) / 1e3;
    this.writeResult(res);
  }

  // writeResult sends a result, or the failed result that says why it could not be sent.
  writeResult(res) {
    if ('out' in res) {
      let size;
      try {
        size = Buffer.byteLength(JSON.stringify(res.out));
      } catch (err) {
        return this.write(failed(res, `result is not JSON: ${err.message}`, 'TypeError'));
      }
      if (size > this.maxJob) return this.write(failed(res, `result too large: ${size} bytes, limit ${this.maxJob}`, 'ResultTooLarge'));
    }
    try {
      this.write(res);
    } catch (err) {
      if (err instanceof FrameTooLarge) return this.write(failed(res, err.message, 'FrameTooLarge'));
      this.write(failed(res, `${res.err} (err_data is not JSON: ${err.message})`, 'TypeError'));
    }
  }

  write(frame) {
    if (!this.sock) throw new Error('gocluster: not connected; call run() first');
    const line = JSON.stringify(frame) + '\n';
    const size = Buffer.byteLength(line);
    if (size > this.maxFrame) throw new FrameTooLarge(size, this.maxFrame);
    this.sock.write(line);
  }

  close(code) {
    if (this.closing) return;
    this.closing = true;
    process.exitCode = code;
    this.sock.end(() => process.exit(code));
  }

  broken(why) {
    console.error(`gocluster: ${why}`);
    process.exit(70);
  }
}

function failure(err) {
  if (err instanceof JobError) {
    const r = { err: err.message || 'JobError' };
    if (err.data !== undefined) r.err_data = err.data;
    return r;
  }
  if (err instanceof Error) return { err: err.message || err.name, err_data: { type: err.name } };
  return { err: String(err) || 'error', err_data: { type: typeof err } };
}

function failed(res, message, type) {
  return { t: 'result', job: res.job, err: message, err_data: { type }, ms: res.ms };
}

const worker = new Worker();
module.exports = {
  job: worker.job.bind(worker),
  onMessage: worker.onMessage.bind(worker),
  send: worker.send.bind(worker),
  run: worker.run.bind(worker),
  isWorker: process.env.GOCLUSTER_WORKER_ID !== undefined,
  JobError,
  FrameTooLarge,
  Worker,
};
