/**
 * Server-side entry of app-intercom: identity helpers for booting the Intercom Messenger.
 * The browser module is `messenger.ts`, bundled separately to `dist/messenger.js`.
 */
export { userHash, signMessengerJwt, messengerIdentity } from './identity';
export type { MessengerUser, MessengerJwtOptions, MessengerIdentity, IdentitySecret } from './identity';
