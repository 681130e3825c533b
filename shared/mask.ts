import { MASK_PREFIX } from './action';

/** `"••••" + last 4` of a secret; short secrets show only bullets. */
export function maskSecret(secret: string): string {
  return secret.length > 8 ? MASK_PREFIX + secret.slice(-4) : MASK_PREFIX;
}

/** True when a value is a mask produced by {@link maskSecret} (sent back to keep a secret). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(MASK_PREFIX);
}

/** Header names that carry credentials: their values are masked in every echo and log. */
const CREDENTIAL_HEADER = /(auth|token|secret|key|password|passwd|cookie|session|signature|credential|api[-_]?key)/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}
