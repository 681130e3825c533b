import { call, dataOf, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Proposes a cancellation that the customer declines, then reports the order as it is. */
const script: ScenarioScript = (v) => {
  if (/status of W1001/i.test(v.lastUser)) {
    const order = resultOf(v, 'get_order');
    if (!order) return call('get_order', { order_id: 'W1001' });
    const o = dataOf(order);
    return say(o?.status ? `Order W1001 is ${o.status}: nothing was changed.` : 'Sorry, I could not look that order up.');
  }
  if (v.replies.length > 0) return say('All right, I will leave order W1001 as it is.');
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip: '94103' });
  const cancel = resultOf(v, 'cancel_order');
  if (!cancel) return call('cancel_order', { order_id: 'W1001', reason: 'no longer needed' });
  if (errorType(cancel) === 'needs_confirmation') return say('I can cancel order W1001 because you no longer need it. Please confirm.');
  return say('The cancellation did not go through.');
};
export default script;
