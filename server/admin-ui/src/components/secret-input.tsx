import { useState } from 'react';
import type { InputA11y } from './field';

interface SecretInputProps {
  a11y: InputA11y;
  /** What the admin typed; empty keeps the stored secret. */
  value: string;
  /** The API's mask of the stored secret (e.g. "••••ab12"), or null when none is stored. */
  stored: string | null;
  onChange: (v: string) => void;
}

/**
 * A write-only secret: the stored value is never shown, only its mask as the placeholder.
 * Left empty, the mask is sent back and the API keeps the stored secret.
 */
export function SecretInput({ a11y, value, stored, onChange }: SecretInputProps) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="secret-input">
      <input
        {...a11y}
        type={visible ? 'text' : 'password'}
        autoComplete="new-password"
        spellCheck={false}
        value={value}
        placeholder={stored ? `${stored} (stored)` : ''}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="button" className="button subtle small" aria-pressed={visible} aria-label={visible ? 'Hide the typed secret' : 'Show the typed secret'} onClick={() => setVisible(!visible)}>
        {visible ? 'Hide' : 'Show'}
      </button>
    </div>
  );
}

/** The hint under a secret field. */
export function secretHint(stored: string | null): string {
  return stored ? `A secret is stored (${stored}). Leave empty to keep it; type a new one to replace it.` : 'Write-only: stored encrypted, never shown again.';
}

/** The value to send: what was typed, else the mask (the API keeps the stored secret). */
export function secretToSend(typed: string, stored: string | null): string {
  return typed !== '' ? typed : (stored ?? '');
}
