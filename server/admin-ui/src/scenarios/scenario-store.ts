/** Scenario files kept in this browser (localStorage): the page's suite. */

export interface ScenarioFile {
  /** A file name such as `cancel-order.yaml`; unique in the list. */
  name: string;
  text: string;
  savedAt: string;
}

const KEY = 'helpdesk-actions.scenarios.v1';
/** Bounds: localStorage holds a few MB per origin. */
export const MAX_FILES = 100;
export const MAX_CHARS = 200_000;

export function loadFiles(): ScenarioFile[] {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((f): f is ScenarioFile => typeof f === 'object' && f !== null && typeof f.name === 'string' && typeof f.text === 'string')
      .slice(0, MAX_FILES);
  } catch {
    return [];
  }
}

/** Saves the list; an error in words when the browser refuses (storage full). */
export function saveFiles(files: ScenarioFile[]): string | null {
  try {
    localStorage.setItem(KEY, JSON.stringify(files));
    return null;
  } catch {
    return 'The browser refused to store the scenarios (its storage for this page is full). Remove some files.';
  }
}

/** Why a file cannot be added, or null. */
export function fileProblem(files: ScenarioFile[], name: string, text: string, replacing?: string): string | null {
  if (!/^[\w .-]{1,100}\.(ya?ml|json)$/i.test(name)) return 'The file name must end in .yaml, .yml or .json (letters, digits, spaces, _ . and -).';
  if (text.trim() === '') return 'The scenario is empty.';
  if (text.length > MAX_CHARS) return `The scenario is longer than ${MAX_CHARS.toLocaleString()} characters.`;
  if (files.some((f) => f.name === name && f.name !== replacing)) return `A file named ${name} is already in the list.`;
  if (!replacing && files.length >= MAX_FILES) return `At most ${MAX_FILES} files are kept here.`;
  return null;
}

/** A file name from a scenario name: "Cancel an order" -> "cancel-an-order.yaml". */
export function fileNameOf(title: string): string {
  const base = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'scenario'}.yaml`;
}
