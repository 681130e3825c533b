import path from 'node:path';
import type { Script } from '../../../test/support/fake-openai';
import { loadScenarios } from '../../../eval/load';
import { view, type ScenarioScript } from './helpers';
import s01 from './01-order-status';
import s02 from './02-cancel-order';
import s03 from './03-decline-cancel';
import s04 from './04-return-item';
import s05 from './05-other-customers-order';
import s06 from './06-unverified-customer';
import s07 from './07-wrong-zip';
import s08 from './08-order-api-down';

/** One script per scenario file, by the file's base name. */
export const SCRIPTS: Record<string, ScenarioScript> = {
  '01-order-status': s01,
  '02-cancel-order': s02,
  '03-decline-cancel': s03,
  '04-return-item': s04,
  '05-other-customers-order': s05,
  '06-unverified-customer': s06,
  '07-wrong-zip': s07,
  '08-order-api-down': s08,
};

export const SCENARIO_DIR = path.join(__dirname, '..', 'scenarios');

/**
 * The scripted model of the retail suite: it recognises each scenario by the customer's
 * first message and answers from that scenario's script. It keeps no state, so trials may
 * run in parallel and in any order.
 */
export function retailScript(dir = SCENARIO_DIR): Script {
  const byFirstMessage = new Map<string, ScenarioScript>();
  for (const { file, scenario } of loadScenarios([dir])) {
    const script = SCRIPTS[path.basename(file).replace(/\.(ya?ml|json)$/, '')];
    const first = scenario.turns[0];
    if (script && first && 'say' in first) byFirstMessage.set(first.say, script);
  }
  return (req) => {
    const v = view(req);
    const script = byFirstMessage.get(v.users[0] ?? '');
    if (!script) return { content: 'I am the scripted demo model: I only know the conversations of the retail scenario suite (examples/retail/scenarios).' };
    return script(v);
  };
}
