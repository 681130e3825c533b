import type { Settings } from '../api/types';

/** A write-only secret as edited: what was typed, and the mask of what is stored. */
export interface SecretDraft {
  typed: string;
  stored: string | null;
}

export interface SettingsDraft {
  instructions: string;
  fallbackReply: string;
  model: string;
  agentName: string;
  zendesk: { subdomain: string; email: string; apiToken: SecretDraft; oauthToken: SecretDraft; webhookSecret: SecretDraft; baseUrl: string };
  intercom: {
    appId: string;
    accessToken: SecretDraft;
    clientSecret: SecretDraft;
    adminId: string;
    region: 'us' | 'eu' | 'au';
    identityVerification: boolean;
    baseUrl: string;
  };
}

const secret = (mask: string | null): SecretDraft => ({ typed: '', stored: mask });
const text = (v: string | null): string => v ?? '';

export function settingsDraftFrom(s: Settings): SettingsDraft {
  return {
    instructions: s.instructions,
    fallbackReply: s.fallbackReply,
    model: text(s.model),
    agentName: s.agentName,
    zendesk: {
      subdomain: text(s.zendesk.subdomain),
      email: text(s.zendesk.email),
      apiToken: secret(s.zendesk.apiToken),
      oauthToken: secret(s.zendesk.oauthToken),
      webhookSecret: secret(s.zendesk.webhookSecret),
      baseUrl: text(s.zendesk.baseUrl),
    },
    intercom: {
      appId: text(s.intercom.appId),
      accessToken: secret(s.intercom.accessToken),
      clientSecret: secret(s.intercom.clientSecret),
      adminId: text(s.intercom.adminId),
      region: s.intercom.region,
      identityVerification: s.intercom.identityVerification,
      baseUrl: text(s.intercom.baseUrl),
    },
  };
}

/** Empty optional text means "not set" (null) for the API. */
const orNull = (v: string): string | null => (v.trim() === '' ? null : v.trim());
/** Typed value, else the stored mask (the API keeps the secret), else null. */
const secretOut = (s: SecretDraft): string | null => (s.typed !== '' ? s.typed : s.stored);

export function settingsPayload(d: SettingsDraft): Record<string, unknown> {
  return {
    instructions: d.instructions,
    fallbackReply: d.fallbackReply,
    model: orNull(d.model),
    agentName: d.agentName,
    zendesk: {
      subdomain: orNull(d.zendesk.subdomain),
      email: orNull(d.zendesk.email),
      apiToken: secretOut(d.zendesk.apiToken),
      oauthToken: secretOut(d.zendesk.oauthToken),
      webhookSecret: secretOut(d.zendesk.webhookSecret),
      baseUrl: orNull(d.zendesk.baseUrl),
    },
    intercom: {
      appId: orNull(d.intercom.appId),
      accessToken: secretOut(d.intercom.accessToken),
      clientSecret: secretOut(d.intercom.clientSecret),
      adminId: orNull(d.intercom.adminId),
      region: d.intercom.region,
      identityVerification: d.intercom.identityVerification,
      baseUrl: orNull(d.intercom.baseUrl),
    },
  };
}
