import { call, dataOf, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Verifies with the zip given; looks the account up only after a verification succeeded. */
const script: ScenarioScript = (v) => {
  const zip = /\b(\d{5})\b/.exec(v.lastUser)?.[1];
  if (!zip) return say('What is the zip code of your address?');
  const verify = resultOf(v, 'verify_customer');
  if (!verify) return call('verify_customer', { zip });
  if (errorType(verify)) return say("That zip code doesn't match our records. Could you check it?");
  const account = resultOf(v, 'get_account');
  if (!account) return call('get_account', {});
  const a = dataOf(account);
  return say(a?.store_credit ? `Thanks! You have ${a.store_credit} of store credit.` : 'Sorry, I could not look up your account right now.');
};
export default script;
