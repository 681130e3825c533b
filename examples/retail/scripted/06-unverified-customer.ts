import { say, type ScenarioScript } from './helpers';

/** No tools are offered to a visitor; the model asks them to sign in. */
const script: ScenarioScript = () =>
  say("I can only look up account details for signed-in customers. Please sign in to your account and ask me again.");
export default script;
