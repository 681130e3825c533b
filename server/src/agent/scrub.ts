import type { Action, UserDataApi } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { CallRecord } from '../../../shared/conversation';
import type { Settings } from '../../../shared/settings';
import { endpointSecrets } from '../actions';
import { documentSecrets, Redactor, redactorFor } from '../secrets';
import { SettingsInput } from '../../../shared/settings';

/**
 * The tenant's scrubber: every secret value of its actions, User Data API and settings, in
 * every form. What leaves a turn (the model's input, call records, replies) passes it, so a
 * secret of one action echoed by another API is masked too.
 */
export function tenantScrubber(actions: readonly Action[], uda: UserDataApi | null, settings: Settings, connections: readonly Connection[] = []): Redactor {
  const secrets: string[] = [];
  for (const a of actions) secrets.push(...endpointSecrets(a));
  for (const c of connections) secrets.push(...endpointSecrets({ auth: c.auth, headers: c.headers, query: [] }));
  if (uda) secrets.push(...endpointSecrets(uda));
  secrets.push(...documentSecrets(settings, SettingsInput));
  return redactorFor([...new Set(secrets)]);
}

/** A call record with every secret of the tenant masked (URL, headers, excerpt, message, arguments). */
export function scrubCall(r: Redactor, c: CallRecord): CallRecord {
  if (r.empty) return c;
  return {
    ...c,
    url: r.text(c.url),
    requestHeaders: r.tree(c.requestHeaders) as Record<string, string>,
    responseExcerpt: r.text(c.responseExcerpt),
    ...(c.errorMessage ? { errorMessage: r.text(c.errorMessage) } : {}),
    ...(c.arguments ? { arguments: r.tree(c.arguments) as Record<string, unknown> } : {}),
  };
}
