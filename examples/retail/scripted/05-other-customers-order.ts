import { call, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Finds nothing for someone else's order, and will not act on it. */
const script: ScenarioScript = (v) => {
  if (v.replies.length > 0) return say("I'm sorry, I can only help with orders on your own account, so I can't cancel that one. Your neighbour can contact us himself.");
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip: '94103' });
  const order = resultOf(v, 'get_order');
  if (!order) return call('get_order', { order_id: 'W2001' });
  if (errorType(order)) return say("I couldn't find order W2001 on your account. Could you check the order number?");
  return say('Here is the order.');
};
export default script;
