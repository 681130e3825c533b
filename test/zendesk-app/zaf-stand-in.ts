import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

/** Where sidebar.html loads the SDK from; the test answers this URL itself. */
export const ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';

/** What the fake ZAF client knows: the app's settings and the secure token Zendesk holds. */
export interface ZafConfig {
  backendUrl: string;
  token: string;
  ticketId: number;
}

/**
 * A stand-in for zaf_sdk.min.js. Like Zendesk: metadata() gives the non-secure settings,
 * get('ticket.id') the ticket, invoke() is recorded in window.__invokes, and request() fills
 * `{{setting.api_token}}` into headers only when `secure: true` (what the proxy does for a
 * secure setting scoped to headers), then resolves with the parsed body or rejects with
 * {status, responseText}. The options the app passed are kept in window.__requests.
 */
export function zafStandInScript(config: ZafConfig): string {
  return `(function () {
  var CFG = ${JSON.stringify(config)};
  window.__invokes = [];
  window.__requests = [];
  function tryJson(text) { try { return JSON.parse(text); } catch (e) { return undefined; } }
  window.ZAFClient = {
    init: function () {
      return {
        metadata: function () {
          return Promise.resolve({ appId: 1, installationId: 2, settings: { backend_url: CFG.backendUrl } });
        },
        get: function (path) {
          var out = {};
          out[path] = path === 'ticket.id' ? CFG.ticketId : undefined;
          return Promise.resolve(out);
        },
        on: function () {},
        invoke: function () {
          window.__invokes.push(JSON.parse(JSON.stringify(Array.prototype.slice.call(arguments))));
          return Promise.resolve({});
        },
        request: function (opts) {
          window.__requests.push(JSON.parse(JSON.stringify(opts)));
          var headers = {};
          Object.keys(opts.headers || {}).forEach(function (name) {
            var value = String(opts.headers[name]);
            if (opts.secure === true) value = value.split('{{setting.api_token}}').join(CFG.token);
            headers[name] = value;
          });
          if (opts.contentType) headers['Content-Type'] = opts.contentType;
          return fetch(opts.url, { method: opts.type || 'GET', headers: headers, body: opts.data }).then(function (res) {
            return res.text().then(function (text) {
              if (res.status >= 200 && res.status < 300) return text ? tryJson(text) : '';
              throw { status: res.status, statusText: res.statusText, responseText: text, responseJSON: tryJson(text) };
            });
          }, function () {
            throw { status: 0, statusText: 'error', responseText: '' };
          });
        }
      };
    }
  };
})();`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves a directory read-only on 127.0.0.1 (the app's assets, as Zendesk would host them). */
export async function serveDirectory(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
