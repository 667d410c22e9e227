// api.js — calls to the JSON API with one error shape.
// The server answers errors as {"error":{"code":"...","message":"..."}}; callers get
// an ApiError whose message is the API's, and humanMessage words it for the page the
// way the no-JavaScript forms do.

/** ApiError is a failed API call: message for people, code and HTTP status for code. */
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/**
 * api sends method to path with an optional JSON body and returns the decoded JSON
 * answer (null when empty). It throws ApiError on a network failure or a 4xx/5xx.
 */
export function api(method, path, body, fetchImpl = globalThis.fetch) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return send(path, init, fetchImpl);
}

/**
 * apiText sends text as a text/plain body, as people type it: the server parses and
 * validates it, so its messages are the ones the page shows. Otherwise like api.
 */
export function apiText(method, path, text, fetchImpl = globalThis.fetch) {
  const init = {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'text/plain; charset=utf-8' },
    credentials: 'same-origin',
    body: String(text),
  };
  return send(path, init, fetchImpl);
}

/** send fetches and decodes the answer, turning failures into ApiError. */
async function send(path, init, fetchImpl) {
  let res;
  try {
    res = await fetchImpl(path, init);
  } catch {
    throw new ApiError('The server cannot be reached. Is gocluster still running?', 'network', 0);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(e?.message || `${res.status} ${res.statusText || 'error'}`.trim(), e?.code || 'http', res.status);
  }
  return data;
}

/** SENTINELS are the prefixes the API puts before messages for scripts' sake. */
const SENTINELS = ['invalid input: ', 'not found: ', 'conflict: '];

/**
 * humanMessage is an API message for a person reading the page, as server/ui.go's
 * formMessage writes it for the no-JavaScript forms: without the sentinel prefix
 * ("invalid input: ") and with a capital first letter.
 */
export function humanMessage(msg) {
  let m = String(msg ?? '');
  for (const p of SENTINELS) if (m.startsWith(p)) m = m.slice(p.length);
  return m ? m[0].toUpperCase() + m.slice(1) : m;
}
