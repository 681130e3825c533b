import { ActionInput, UserDataApiInput } from '../../../shared/action';
import { ConnectionInput } from '../../../shared/connection';
import { mapSecrets, secretPaths, type SecretPath } from '../../../shared/secrets';
import { SettingsInput } from '../../../shared/settings';
import { SecretBox } from './crypto';

/**
 * Where the secrets of each stored document are: derived from the schemas' secret markers
 * (shared/secrets.ts). The store seals them before writing and opens them after reading,
 * so every other module handles plain values and the data at rest never holds one.
 */
export const ACTION_SECRET_PATHS = secretPaths(ActionInput);
export const USER_DATA_API_SECRET_PATHS = secretPaths(UserDataApiInput);
export const SETTINGS_SECRET_PATHS = secretPaths(SettingsInput);
export const CONNECTION_SECRET_PATHS = secretPaths(ConnectionInput);

export function sealSecrets<T>(doc: T, paths: readonly SecretPath[], box: SecretBox): T {
  // Always sealed: the store receives plain values only, and a secret that happens to look
  // sealed must not be stored in the clear.
  return mapSecrets(doc, paths, (v) => box.seal(v));
}

/** Opening ignores the credential-name condition: a value sealed under an older rule opens too. */
export function openSecrets<T>(doc: T, paths: readonly SecretPath[], box: SecretBox): T {
  const unconditional = paths.map((p) => (p.meta.secret === 'credential-name' ? { parts: p.parts, meta: { ...p.meta, secret: 'always' as const } } : p));
  return mapSecrets(doc, unconditional, (v) => (SecretBox.isSealed(v) ? box.open(v) : v));
}
