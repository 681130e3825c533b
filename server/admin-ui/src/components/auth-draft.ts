import type { Auth } from '../api/types';
import { secretToSend } from './secret-input';

export type AuthType = Auth['type'];
export const AUTH_TYPES: { value: AuthType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'Basic (user name and password)' },
  { value: 'header', label: 'API key in a header' },
  { value: 'query', label: 'API key in a query parameter' },
  { value: 'body', label: 'API key in the JSON body' },
];

/** The authentication being edited: the typed secret apart from the stored one's mask. */
export interface AuthDraft {
  type: AuthType;
  username: string;
  /** Header, query parameter or body field name. */
  name: string;
  /** What the admin typed; empty keeps the stored secret. */
  secret: string;
  /** The stored auth's type and the mask of its secret. */
  storedType: AuthType;
  storedMask: string | null;
  /** The stored auth as loaded: kept whole for the types this editor does not edit (OAuth2, identity JWT, set on connections). */
  original: Auth;
}

/** The API path of the secret of an auth type (where its errors land). */
export function secretPath(type: AuthType): string {
  return type === 'bearer' ? 'auth.token' : type === 'basic' ? 'auth.password' : 'auth.value';
}

export function authDraftFrom(a: Auth | undefined): AuthDraft {
  const auth = a ?? { type: 'none' as const };
  const mask = auth.type === 'bearer' ? auth.token : auth.type === 'basic' ? auth.password : auth.type === 'header' || auth.type === 'query' || auth.type === 'body' ? auth.value : null;
  return {
    type: auth.type,
    username: auth.type === 'basic' ? auth.username : '',
    name: auth.type === 'header' || auth.type === 'query' || auth.type === 'body' ? auth.name : '',
    secret: '',
    storedType: auth.type,
    storedMask: mask,
    original: auth,
  };
}

/** The mask to show for the current type: only a secret stored for the same type can be kept. */
export function storedFor(d: AuthDraft): string | null {
  return d.type === d.storedType ? d.storedMask : null;
}

/** The auth to send: an untouched secret goes back masked, so the API keeps the stored one. */
export function authPayload(d: AuthDraft): Auth {
  const secret = secretToSend(d.secret, storedFor(d));
  switch (d.type) {
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type: 'bearer', token: secret };
    case 'basic':
      return { type: 'basic', username: d.username, password: secret };
    case 'header':
      return { type: 'header', name: d.name, value: secret };
    case 'query':
      return { type: 'query', name: d.name, value: secret };
    case 'body':
      return { type: 'body', name: d.name, value: secret };
    default:
      // Edited on the connection, not here: sent back as loaded (masked secrets are kept by the API).
      return d.type === d.original.type ? d.original : { type: 'none' };
  }
}
