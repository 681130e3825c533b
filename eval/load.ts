import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Scenario } from '../shared/scenario';
import type { LoadedScenario } from './suite';

/** A scenario file or the command line is wrong; the message names the file and the field. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 2000;
const MAX_DEPTH = 8;

/** Scenario files named on the command line: files as given, folders searched (sorted, recursively). */
export function findScenarioFiles(args: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.isFile() && EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
      if (out.length > MAX_FILES) throw new InputError(`more than ${MAX_FILES} scenario files under ${dir}`);
    }
  };
  for (const a of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch {
      throw new InputError(`${a}: no such file or folder`);
    }
    if (st.isDirectory()) walk(a, 0);
    else out.push(a);
  }
  if (out.length === 0) throw new InputError(`no scenario files (.yaml, .yml, .json) in ${args.join(', ')}`);
  return out;
}

/** Reads a YAML or JSON file as data; errors name the file and the line. */
export function readDataFile(file: string): unknown {
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new InputError(`${file}: larger than ${MAX_FILE_BYTES} bytes`);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`${file}: not valid ${path.extname(file).slice(1).toUpperCase()}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** `path.to.field: reason` for each zod issue. */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');
}

/** Loads and validates every scenario; all problems of all files at once. */
export function loadScenarios(args: string[]): LoadedScenario[] {
  const files = findScenarioFiles(args);
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    let data: unknown;
    try {
      data = readDataFile(file);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    const r = Scenario.safeParse(data);
    if (!r.success) {
      problems.push(`${file}: not a valid scenario\n${issuesText(r.error)}`);
      continue;
    }
    const other = names.get(r.data.name);
    if (other) problems.push(`${file}: name ${JSON.stringify(r.data.name)} is already used by ${other}`);
    names.set(r.data.name, file);
    loaded.push({ file, scenario: r.data });
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  return loaded;
}
