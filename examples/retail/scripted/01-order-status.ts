import { call, dataOf, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Asks for the zip code, verifies, then reads the order. */
const script: ScenarioScript = (v) => {
  const zip = /\b(\d{5})\b/.exec(v.lastUser)?.[1];
  if (!zip) return say('I can help with that. To protect your account, what is the zip code of your address?');
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip });
  if (errorType(resultOf(v, 'verify_customer'))) return say('That zip code does not match our records. Could you check it?');
  const order = resultOf(v, 'get_order');
  if (!order) return call('get_order', { order_id: 'W1002' });
  const o = dataOf(order);
  if (!o?.status) return say('Sorry, I could not look up that order right now.');
  return say(`Thanks, Ann. Order ${o.order_id} was ${o.status} on ${o.shipping.eta} (${o.shipping.carrier} ${o.shipping.tracking}).`);
};
export default script;
