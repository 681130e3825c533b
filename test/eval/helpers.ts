import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRetailApi, type RetailApi } from '../../examples/retail/fixture';
import { startFakeOpenAI, type FakeOpenAI, type Script } from '../support/fake-openai';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RETAIL = path.join(ROOT, 'examples', 'retail');
export const RETAIL_KEY = 'retail-test-key-5b1c';

/** What a run of the CLI printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout lines, without the trailing empty one. */
  lines: string[];
}

/**
 * Runs `npx tsx eval/cli.ts ...` as a child process (a real exit code, real stdout). It
 * ends on its own: the run has bounded turns and every request a deadline.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'eval/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, lines: stdout.replace(/\n$/, '').split('\n') }));
  });
}

/** The retail fixture and a scripted model, and the environment the CLI needs to use them. */
export interface EvalRig {
  retail: RetailApi;
  llm: FakeOpenAI;
  env: Record<string, string>;
  tmp: string;
  close(): Promise<void>;
}

export async function startEvalRig(script: Script): Promise<EvalRig> {
  const retail = await startRetailApi({ apiKey: RETAIL_KEY });
  const llm = await startFakeOpenAI(script);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-evaltest-'));
  return {
    retail,
    llm,
    tmp,
    env: {
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_MODEL: 'scripted-model',
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      RETAIL_API_URL: retail.url,
      RETAIL_API_KEY: RETAIL_KEY,
    },
    async close() {
      await llm.close();
      await retail.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Writes a scenario file (JSON) into a folder and returns its path. */
export function writeScenario(dir: string, file: string, scenario: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, file);
  fs.writeFileSync(p, typeof scenario === 'string' ? scenario : JSON.stringify(scenario, null, 2));
  return p;
}
