/** YAML is loaded on the Scenarios page only, so the rest of the admin page stays small. */
const load = () => import('yaml');

/** A scenario as YAML text. */
export async function toYaml(value: unknown): Promise<string> {
  const YAML = await load();
  return YAML.stringify(value, { lineWidth: 0 });
}

/** What the list shows of a file: its scenario name and turn count, or why it does not parse. */
export interface FileSummary {
  title: string | null;
  turns: number | null;
  problem: string | null;
}

export async function summarize(name: string, text: string): Promise<FileSummary> {
  const YAML = await load();
  try {
    // JSON is YAML too; one parser for both.
    const doc = YAML.parse(text) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { title: null, turns: null, problem: `${name} is not a scenario (an object with name, customer and turns).` };
    const d = doc as { name?: unknown; turns?: unknown };
    return { title: typeof d.name === 'string' ? d.name : null, turns: Array.isArray(d.turns) ? d.turns.length : null, problem: null };
  } catch (err) {
    return { title: null, turns: null, problem: `Not valid YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}
