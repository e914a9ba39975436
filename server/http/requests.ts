/**
 * Plain HTTP requests (no upgrade): one for a WebSocket endpoint's path is asked to upgrade (426,
 * or 400 with the rule it breaks); with `npm start` anything else is a file of the built app, or 404
 * when the server has no app to serve.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateUpgradeRequest } from '../../src/protocol/index.ts';
import { plainResponse } from './respond.ts';
import { serveStatic } from './static.ts';
import { upgradeFields } from './upgrade.ts';

/** Answer a plain request for the endpoint at `path` with 426 (or 400) and the reason, as src/protocol/handshake/ says. */
export function answerEndpointRequest(req: IncomingMessage, res: ServerResponse, path: string): void {
  const check = validateUpgradeRequest(upgradeFields(req));
  // A plain request (no Upgrade header at all) is asked to upgrade: 426 (RFC 9110 §15.5.22).
  const plain = req.headers.upgrade === undefined;
  const status = check.ok || plain ? 426 : check.status;
  const reason =
    check.ok || plain
      ? `${path} is a WebSocket endpoint: open it with a WebSocket client (a GET with Upgrade: websocket), such as new WebSocket('ws://host${path}').`
      : check.reason;
  const headers: Record<string, string> = check.ok ? {} : { ...check.headers };
  if (status === 426) {
    headers['Upgrade'] ??= 'websocket';
    headers['Sec-WebSocket-Version'] ??= '13';
  }
  // RFC 9110 §7.8: with Upgrade, an "Upgrade" connection option in Connection.
  plainResponse(res, status, `${reason}\n`, { ...headers, Connection: headers['Upgrade'] !== undefined ? 'Upgrade, close' : 'close' });
}

/** Any other request: a file of the built app in `root`, or 404 naming the endpoints when there is no app. */
export function answerAppRequest(req: IncomingMessage, res: ServerResponse, root: string | null, endpoints: readonly string[]): void {
  if (root === null) {
    plainResponse(res, 404, `Not Found: this server has WebSocket endpoints only (${endpoints.join(', ')}).\n`);
    return;
  }
  serveStatic(root, req, res).catch(() => res.destroy());
}
