import { call, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** The order API fails: apologise and hand over, invent nothing. */
const script: ScenarioScript = (v) => {
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip: '94103' });
  const order = resultOf(v, 'get_order');
  if (!order) return call('get_order', { order_id: 'W1001' });
  if (errorType(order)) return say("I'm sorry, our order system is not answering right now. A teammate will follow up with the status of W1001.");
  return say('Here is your order.');
};
export default script;
