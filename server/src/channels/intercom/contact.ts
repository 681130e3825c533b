import { z } from 'zod';
import type { Customer } from '../../../../shared/conversation';
import { RetryLaterError } from '../../errors';
import type { Logger } from '../../logger';
import type { IntercomClient, IntercomContact } from './client';

/** Failures worth another try later; the rest answer as unverified. */
const TRANSIENT = new Set(['timeout', 'network', 'rate_limited', 'http_5xx']);

/**
 * Who is writing. Verified only when the contact is a `user` with an `external_id` and the
 * tenant says the workspace enforces identity verification. Leads and visitors never are,
 * and an unverified contact's email and phone stay out of the conversation (they are
 * self-declared, so no action may use them to look anything up).
 */
export async function readCustomer(client: IntercomClient, id: string | null, identityVerification: boolean, log: Logger): Promise<Customer> {
  if (!id) return { verified: false };
  const r = await client.getContact(id);
  if (!r.ok) {
    if (TRANSIENT.has(r.error.type)) throw new RetryLaterError(`reading the Intercom contact failed: ${r.error.message}`);
    log.warn({ error: r.error }, 'could not read the Intercom contact; answering as unverified');
    return { id, verified: false };
  }
  const c: Partial<IntercomContact> = r.data ?? {};
  const externalId = typeof c.external_id === 'string' && c.external_id.trim() ? c.external_id.trim().slice(0, 200) : null;
  const verified = c.role === 'user' && externalId !== null && identityVerification;
  const name = typeof c.name === 'string' && c.name.trim() ? c.name.trim().slice(0, 200) : undefined;
  if (!verified) return { id: String(c.id ?? id).slice(0, 200), ...(name ? { name } : {}), verified: false };
  const email = z.email().max(320).safeParse(c.email);
  const phone = typeof c.phone === 'string' && c.phone.trim() ? c.phone.trim().slice(0, 50) : undefined;
  return { id: externalId, ...(email.success ? { email: email.data } : {}), ...(name ? { name } : {}), ...(phone ? { phone } : {}), verified: true };
}
