/** The HTTP layer: the express app (routes, webhooks, sidebar), its context and token helpers. */
export { createApp } from './app';
export { withFastPaths } from './fast-paths';
export type { AppContext } from './context';
export { hashToken, newAdminToken } from './tokens';
