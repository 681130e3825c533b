/**
 * The masking rules of the secret model, with no dependency at all: the admin page imports
 * them as they are (no zod in its bundle), the server through shared/secrets.ts.
 */

/** What a stored secret looks like on the way out: four bullets and the last four characters. */
export const MASK_PREFIX = '••••';

/** Names of headers and query parameters that carry credentials: their values are secrets. */
export const CREDENTIAL_NAME = /(auth|token|secret|key|password|passwd|cookie|session|signature|credential)/i;

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** `"••••" + last 4` of a secret; short secrets show only bullets. */
export function maskSecret(secret: string): string {
  return secret.length > 8 ? MASK_PREFIX + secret.slice(-4) : MASK_PREFIX;
}

/** True when a value is a mask produced by {@link maskSecret} (sent back to keep a secret). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(MASK_PREFIX);
}

/** The old name of {@link isCredentialName}. */
export const isCredentialHeader = isCredentialName;
