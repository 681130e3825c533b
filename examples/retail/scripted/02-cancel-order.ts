import { call, dataOf, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Verifies, proposes the cancellation, asks to confirm; reports the outcome after the confirmation. */
const script: ScenarioScript = (v) => {
  if (v.replies.length > 0) {
    // After the confirmation the server ran the proposal; its result reaches the model as a
    // message or in the system prompt, depending on the channel: look in both.
    const done = /cancelled/i.test(`${v.text}\n${v.system}`);
    return say(done ? 'Done: order W1001 is cancelled, and the refund goes back to your original payment method.' : 'The cancellation did not go through. A teammate will follow up.');
  }
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip: '94103' });
  if (errorType(resultOf(v, 'verify_customer'))) return say('That zip code does not match our records.');
  const cancel = resultOf(v, 'cancel_order');
  if (!cancel) return call('cancel_order', { order_id: 'W1001', reason: 'ordered by mistake' });
  if (errorType(cancel) === 'needs_confirmation') {
    return say('I can cancel order W1001 (Mechanical keyboard, Wireless mouse) because it was ordered by mistake; the refund goes to your original payment method. Please confirm to go ahead.');
  }
  return say(dataOf(cancel)?.status === 'cancelled' ? 'Order W1001 is cancelled.' : 'The cancellation did not go through.');
};
export default script;
