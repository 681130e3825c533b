import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** One Dockerfile instruction: its keyword (upper case), its argument text, its stage. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
  /** The `AS` name of the stage it is in (or its index). */
  stage: string;
}

/** Parses a Dockerfile: comments dropped, `\` continuations joined (enough for our own file). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  let stage = '';
  let stages = 0;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!;
    if (/^\s*(#|$)/.test(l)) continue;
    while (/\\\s*$/.test(l) && i + 1 < lines.length) l = l.replace(/\\\s*$/, ' ') + lines[++i]!.trim();
    const m = /^\s*(\w+)\s*(.*)$/.exec(l);
    if (!m) throw new Error(`line ${start + 1}: not an instruction: ${l}`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? String(stages++);
    out.push({ keyword, args, line: start + 1, stage });
  }
  return out;
}

export function readRepoFile(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

/** The patterns of .dockerignore (comments and blank lines dropped). */
export function dockerignore(): string[] {
  return readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Names of variables that hold secrets: none may get a value in the image or the compose file. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;
