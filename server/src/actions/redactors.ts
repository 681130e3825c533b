import { type Redactor, redactorFor } from '../secrets';
import { endpointSecrets } from './auth';
import type { Endpoint } from './types';

/** Endpoints whose redactors are kept (oldest dropped first). */
const MAX_KEPT = 1000;

/**
 * The redactor of an endpoint's secrets (its auth, credential headers and query values), kept
 * by the secrets themselves: building one compiles every encoded form of every secret, and
 * the same action runs turn after turn.
 */
export class EndpointRedactors {
  private readonly kept = new Map<string, Redactor>();

  for(endpoint: Endpoint): Redactor {
    const secrets = endpointSecrets(endpoint);
    if (secrets.length === 0) return redactorFor(secrets);
    const key = secrets.join('\u0000');
    let hit = this.kept.get(key);
    if (!hit) {
      hit = redactorFor(secrets);
      if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(key, hit);
    }
    return hit;
  }
}
