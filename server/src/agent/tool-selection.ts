import MiniSearch from 'minisearch';

/*
 * Tool selection for large tenants. A tenant with hundreds of actions cannot send them all to
 * the model every round (tokens grow with the count, OpenAI refuses more than 128 tools), so
 * past a bound the model is offered the actions most relevant to the conversation: BM25
 * retrieval (MiniSearch) over the action names, descriptions and variables, plus the
 * actions the admin pinned and those the conversation already used. Pure: no I/O, no clock.
 * Selection only decides what the model is offered; the rules (`requires`, audience) are
 * applied by the caller to every action, offered or not.
 */

/** The default of TOOL_SELECTION_BOUND: tools offered per model round at most. */
export const DEFAULT_TOOL_SELECTION_BOUND = 24;

/** What selection reads of an action. */
export interface SelectableAction {
  name: string;
  description: string;
  variables: readonly { name: string; description: string }[];
}

/** What the conversation tells about relevance. */
export interface SelectionQuery {
  /** The conversation's texts, oldest first (customer and assistant); the latest weighs most. */
  messages: readonly string[];
  /** Actions the admin pinned: always offered (first, up to the bound). */
  pinned: ReadonlySet<string>;
  /** Actions already called in this conversation: offered after the pinned ones. */
  used: ReadonlySet<string>;
}

/** Only the latest messages are searched, each cut: a long conversation costs the same as a short one. */
const MAX_MESSAGES = 6;
const MAX_MESSAGE_CHARS = 2000;
/** Each older message counts this much less than the one after it. */
const DECAY = 0.5;

const STOP_WORDS = new Set(
  'a an and are as at be but by can could do does for from get has have hi hello how i if in is it its me my of on or our please so that the their them then there this to up us was we what when where which who why will with would you your'.split(' '),
);

/** Words of a text: letters and digits runs, split at _ - . / and camelCase, lowercased. */
function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Lowercase, drop stop words, fold the common English plurals so "orders" finds "order". */
function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  if (t.length < 2 || STOP_WORDS.has(t)) return null;
  if (t.length > 4 && t.endsWith('ies')) return t.slice(0, -3) + 'y';
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) return t.slice(0, -1);
  return t;
}

interface Doc {
  id: number;
  name: string;
  description: string;
  variables: string;
}

/**
 * A tenant's actions, indexed once (per configuration version) and searched per round. Only
 * its term cache changes after `build` (it grows, bounded): one index may serve concurrent turns.
 */
export class ToolIndex {
  /** Each name's position (built once: a Set of every name per round showed in the 1,000-action profile). */
  private readonly known: ReadonlyMap<string, number>;
  /** Each term's score per action, filled as terms are searched (see scoreText). */
  private readonly terms = new Map<string, TermScores>();
  private cachedPostings = 0;

  private constructor(
    private readonly names: readonly string[],
    private readonly search: MiniSearch<Doc>,
  ) {
    this.known = new Map(names.map((n, i) => [n, i]));
  }

  /** Indexes the actions' names (words split at _ and -), descriptions, and variables' names and descriptions. */
  static build(actions: readonly SelectableAction[]): ToolIndex {
    const search = new MiniSearch<Doc>({
      fields: ['name', 'description', 'variables'],
      tokenize,
      processTerm,
      searchOptions: {
        boost: { name: 3, description: 1, variables: 0.7 },
        prefix: false,
        fuzzy: false,
        combineWith: 'OR',
      },
    });
    search.addAll(
      actions.map((a, id) => ({
        id,
        name: a.name,
        description: a.description,
        variables: a.variables.map((v) => `${v.name} ${v.description}`).join(' '),
      })),
    );
    return new ToolIndex(
      actions.map((a) => a.name),
      search,
    );
  }

  /** How many actions the index holds. */
  get size(): number {
    return this.names.length;
  }

  /**
   * The names to offer, at most `bound`: every action when there are no more than `bound`;
   * else the pinned ones, the used ones, then the best BM25 matches of the latest messages,
   * then (when the messages match too little) the rest in the admin's order, until the bound.
   */
  select(query: SelectionQuery, bound: number = DEFAULT_TOOL_SELECTION_BOUND): string[] {
    const limit = Math.max(0, Math.floor(bound));
    if (this.names.length <= limit) return [...this.names];
    const known = this.known;
    const out: string[] = [];
    const taken = new Set<string>();
    const take = (name: string) => {
      if (out.length < limit && known.has(name) && !taken.has(name)) {
        taken.add(name);
        out.push(name);
      }
    };
    for (const name of query.pinned) take(name);
    for (const name of query.used) take(name);
    if (out.length >= limit) return out;

    for (const id of this.ranked(query.messages)) take(this.names[id]!);
    for (const name of this.names) {
      if (out.length >= limit) break;
      take(name);
    }
    return out;
  }

  /** Action ids by relevance to the latest messages (the latest weighs most), best first. */
  private ranked(messages: readonly string[]): number[] {
    const scores = new Map<number, number>();
    const recent = messages.slice(-MAX_MESSAGES);
    let weight = 1;
    for (let i = recent.length - 1; i >= 0; i--, weight *= DECAY) {
      const text = recent[i]!.slice(0, MAX_MESSAGE_CHARS);
      if (!text.trim()) continue;
      for (const [id, score] of this.scoreText(text)) scores.set(id, (scores.get(id) ?? 0) + score * weight);
    }
    // Ties keep the admin's order, so the same conversation always gets the same tools.
    return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  }

  /**
   * MiniSearch's score of every action for `text` (OR of the text's terms: the sum of each
   * term's BM25 score, times how many distinct terms matched), from each term's scores, computed
   * once per index. A search of the whole text built result objects for every matching action
   * on every round: at 1,000 actions the largest cost left in a turn (issue 13).
   */
  scoreText(text: string): Map<number, number> {
    const counts = new Map<string, number>();
    for (const token of tokenize(text)) {
      const term = processTerm(token);
      if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    const sum = new Map<number, number>();
    const matched = new Map<number, number>();
    for (const [term, count] of counts) {
      const { ids, scores } = this.termScores(term);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        sum.set(id, (sum.get(id) ?? 0) + scores[i]! * count);
        matched.set(id, (matched.get(id) ?? 0) + 1);
      }
    }
    for (const [id, total] of sum) sum.set(id, total * matched.get(id)!);
    return sum;
  }

  /** MiniSearch's own scores for the whole text (the reference {@link scoreText} must equal; tests compare them). */
  referenceScores(text: string): Map<number, number> {
    return new Map(this.search.search(text).map((h) => [h.id as number, h.score]));
  }

  /** One term's score per action, searched once and kept while the cache holds less than its bound. */
  private termScores(term: string): TermScores {
    let hits = this.terms.get(term);
    if (!hits) {
      const found = this.search.search(term, SINGLE_TERM);
      hits = { ids: Int32Array.from(found, (h) => h.id as number), scores: Float64Array.from(found, (h) => h.score) };
      // Words no action has cost an entry too: counted as one posting each.
      if (this.cachedPostings + found.length + 1 <= MAX_CACHED_POSTINGS) {
        this.terms.set(term, hits);
        this.cachedPostings += found.length + 1;
      }
    }
    return hits;
  }
}

/** One term's BM25 score per action id (12 bytes an action). */
interface TermScores {
  ids: Int32Array;
  scores: Float64Array;
}

/** A term already tokenized and processed is searched as it is. */
const SINGLE_TERM = { tokenize: (t: string) => [t], processTerm: (t: string) => t };

/**
 * Term scores kept per index: ~600 KB at most, which holds the whole vocabulary of a 1,000-action
 * tenant (~30,000 term-action pairs) and bounds what its customers' words can add.
 */
const MAX_CACHED_POSTINGS = 50_000;

/** One-off selection (builds an index each call): callers on the hot path keep a ToolIndexCache. */
export function selectTools(actions: readonly SelectableAction[], query: SelectionQuery, bound: number = DEFAULT_TOOL_SELECTION_BOUND): string[] {
  if (actions.length <= bound) return actions.map((a) => a.name);
  return ToolIndex.build(actions).select(query, bound);
}

/**
 * Indexes by (tenant, configuration version), least recently used evicted past `maxEntries`.
 * A new configuration version (any action, settings or User Data API change) means a new
 * index; the old one is dropped with the tenant's previous entry.
 */
export class ToolIndexCache {
  private readonly entries = new Map<string, { version: number; index: ToolIndex }>();

  constructor(private readonly maxEntries = 500) {}

  /** The tenant's index at `version`, built from `actions()` only when not cached. */
  get(tenantId: string, version: number, actions: () => readonly SelectableAction[]): ToolIndex {
    const hit = this.entries.get(tenantId);
    if (hit && hit.version === version) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      this.entries.delete(tenantId);
      this.entries.set(tenantId, hit);
      return hit.index;
    }
    const index = ToolIndex.build(actions());
    this.entries.delete(tenantId);
    this.entries.set(tenantId, { version, index });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return index;
  }

  /** How many tenants' indexes are held. */
  get size(): number {
    return this.entries.size;
  }
}
