/**
 * Typed confirmation: for channels without buttons, the customer's very next message
 * confirms (or declines) the one pending write only when it is a short answer from a fixed
 * list. Anything else ("thanks, bye", a question, a new request) leaves it pending. The
 * lists cover the languages our tenants write in; matching is on the whole message.
 */

const YES = [
  // English
  'yes', 'yep', 'yeah', 'yup', 'sure', 'ok do it', 'okay do it', 'do it', 'please do', 'please do it', 'yes please', 'yes do it',
  'yes go ahead', 'go ahead', 'go for it', 'confirm', 'confirmed', 'i confirm', 'yes i confirm', 'proceed', 'yes proceed', 'absolutely',
  // German, French, Spanish, Portuguese, Italian, Dutch
  'ja', 'ja bitte', 'jawohl', 'bestätigen', 'bestätigt', 'mach das', 'oui', 'oui merci', "d'accord", 'je confirme', 'confirmer', 'vas-y', 'allez-y',
  'sí', 'si', 'sí por favor', 'si por favor', 'confirmo', 'adelante', 'claro', 'sim', 'sim por favor', 'pode fazer', 'certo', 'va bene', 'procedi', 'ja graag', 'doe maar', 'akkoord',
];

const NO = [
  'no', 'nope', 'nah', 'no thanks', 'no thank you', "don't", 'do not', "don't do it", 'do not do it', 'cancel', 'stop', 'never mind', 'nevermind', 'decline', 'no dont',
  'nein', 'nein danke', 'non', 'non merci', 'no gracias', 'não', 'nao', 'no grazie', 'nee', 'nee dank je',
];

const yes = new Set(YES.map(normalize));
const no = new Set(NO.map(normalize));

/** Lower case, punctuation and emoji stripped, spaces collapsed. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Longest message that can count as a confirmation: longer ones say more than yes or no. */
const MAX_CHARS = 40;

/** `yes` / `no` when the whole message is a short affirmative / negative, else null. */
export function typedAnswer(message: string): 'yes' | 'no' | null {
  if (message.length > MAX_CHARS) return null;
  const t = normalize(message);
  if (yes.has(t)) return 'yes';
  if (no.has(t)) return 'no';
  return null;
}
