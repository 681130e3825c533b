import { isCredentialName, maskSecret } from '../../../shared/secrets';
import { setOwn } from '../../../shared/safe-object';

/** Shorter strings are not real secrets, and masking them everywhere would garble data. */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks known secrets wherever they appear: request echoes, response headers and bodies
 * (an API that echoes the key back must not hand it to the model or the log).
 */
export class Redactor {
  /** [form as it may appear, replacement], longest first so a secret containing another is masked whole. */
  private readonly forms: [string, string][] = [];
  /** Length of the shortest form: shorter text cannot contain one. */
  private readonly minLength: number;
  /** Secrets made only of digits: a JSON answer may carry them as numbers. */
  private readonly digits = new Map<string, string>();

  constructor(secrets: readonly string[]) {
    const seen = new Set<string>();
    const add = (form: string, replacement: string) => {
      if (form.length >= MIN_SECRET_LENGTH && !seen.has(form)) {
        seen.add(form);
        this.forms.push([form, replacement]);
      }
    };
    for (const s of secrets) {
      const mask = maskSecret(s);
      add(s, mask);
      add(JSON.stringify(s).slice(1, -1), JSON.stringify(mask).slice(1, -1));
      add(encodeURIComponent(s), mask);
      add(new URLSearchParams({ s }).toString().slice(2), mask);
      add(Buffer.from(s, 'utf8').toString('base64'), mask);
      if (/^\d{4,}$/.test(s)) this.digits.set(s, mask);
    }
    this.forms.sort((a, b) => b[0].length - a[0].length);
    this.minLength = this.forms.length ? this.forms[this.forms.length - 1]![0].length : Infinity;
  }

  /** Whether there is anything to mask at all (the common no-auth case skips the work). */
  get empty(): boolean {
    return this.forms.length === 0;
  }

  /** Whether a number in a JSON tree is a digits-only secret. */
  private secretNumber(value: number): string | undefined {
    return this.digits.size && Number.isSafeInteger(value) ? this.digits.get(String(value)) : undefined;
  }

  /** The text with every secret form replaced by its mask. */
  text(value: string): string {
    if (value.length < this.minLength) return value;
    let out = value;
    for (const [form, mask] of this.forms) if (out.includes(form)) out = out.split(form).join(mask);
    return out;
  }

  /** Whether a parsed tree may hold a secret that a text search of its source would miss (a number). */
  get hasDigitSecrets(): boolean {
    return this.digits.size > 0;
  }

  /** Whether the text contains a secret in any form. */
  has(value: string): boolean {
    if (value.length < this.minLength) return false;
    for (const [form] of this.forms) if (value.includes(form)) return true;
    return false;
  }

  /** A copy of a JSON tree with secrets masked in every string and key. */
  tree(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'number') return this.secretNumber(value) ?? value;
    if (Array.isArray(value)) return value.map((v) => this.tree(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) setOwn(out, this.text(k), this.tree((value as Record<string, unknown>)[k]));
      return out;
    }
    return value;
  }

  /** Headers for an echo: credential headers masked whole, others with secrets masked. */
  headers(entries: Iterable<[string, string]>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of entries) setOwn(out, name, isCredentialName(name) ? maskSecret(value) : this.text(value));
    return out;
  }
}

const NONE = new Redactor([]);

/** A redactor for these secrets; the shared empty one when there are none. */
export function redactorFor(secrets: readonly string[]): Redactor {
  return secrets.length === 0 ? NONE : new Redactor(secrets);
}
