// api.js — calls to the JSON API with one error shape.
// The server answers errors as {"error":{"code":"...","message":"..."}}; callers get
// an ApiError whose message can be shown to people as it is.

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
export async function api(method, path, body, fetchImpl = globalThis.fetch) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
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

/** parseInputs reads the job form's text into whole numbers, or throws with a reason. */
export function parseInputs(text) {
  const tokens = String(text).split(/[\s,;]+/).filter(Boolean);
  if (!tokens.length) throw new ApiError('Type at least one number, e.g. 44 42 42 43.', 'invalid', 0);
  return tokens.map((t, i) => {
    const n = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n)) {
      throw new ApiError(`Input ${i + 1}: “${t}” is not a whole number.`, 'invalid', 0);
    }
    return n;
  });
}
