// The page's only way to the server: the JSON API and its event stream, with the user's
// credentials held in this module's memory (never in a URL, cookie or storage).
let authorization = null;

export function setCredentials(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  authorization = 'Basic ' + btoa(String.fromCharCode(...bytes));
}

export function forget() {
  authorization = null;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

// credentials: 'omit' keeps the browser's own basic-auth prompt out of it: a 401 is the page's to show.
async function call(method, path, body) {
  const headers = { Authorization: authorization, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'omit', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    let problem = null;
    try { problem = text ? JSON.parse(text) : null; } catch (e) { /* not a problem document: the status says it */ }
    throw new ApiError(response.status, problem);
  }
  return text ? JSON.parse(text) : null;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);

/** Whether these credentials may change things: a viewer's DELETE is 403 before any lookup, an operator's a 404. */
export async function isOperator() {
  try {
    await call('DELETE', '/api/v1/requests/console-role-probe');
    return true;
  } catch (e) {
    if (e.status === 403) return false;
    if (e.status === 401 || !e.status) throw e;
    // Past the role check: whatever the resource then says (404, 409, 400) means an operator.
    return true;
  }
}

/**
 * Reads /api/v1/events with fetch (EventSource cannot send an Authorization header) and calls
 * onEvent(name, data) per event; reconnects with Last-Event-ID until signal aborts.
 */
export async function events(onEvent, onState, signal) {
  let last = null;
  while (!signal.aborted) {
    try {
      const headers = { Authorization: authorization, Accept: 'text/event-stream' };
      if (last !== null) headers['Last-Event-ID'] = last;
      const response = await fetch('/api/v1/events', { headers, credentials: 'omit', cache: 'no-store', signal });
      if (!response.ok) throw new ApiError(response.status, null);
      onState(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id = null, name = 'message', data = null;
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) name = line.slice(7);
            else if (line.startsWith('data: ')) data = (data === null ? '' : data + '\n') + line.slice(6);
          }
          if (data !== null) {
            if (id !== null) last = id;
            onEvent(name, JSON.parse(data));
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.status === 401) { onState(false, e); return; }
    }
    onState(false);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
