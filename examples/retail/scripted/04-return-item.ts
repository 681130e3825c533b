import { call, dataOf, errorType, resultOf, say, type ScenarioScript } from './helpers';

/** Verifies, finds the item id in the order, proposes the return, reports it after confirmation. */
const script: ScenarioScript = (v) => {
  if (v.replies.length > 0) {
    const ok = /return requested/i.test(`${v.text}\n${v.system}`);
    return say(ok ? 'Your return of the headphones is started; the refund of 199.00 USD goes to your original payment method.' : 'The return did not go through. A teammate will follow up.');
  }
  if (!resultOf(v, 'verify_customer')) return call('verify_customer', { zip: '94103' });
  const order = resultOf(v, 'get_order');
  if (!order) return call('get_order', { order_id: 'W1002' });
  const o = dataOf(order);
  const item = (o?.items ?? []).find((i: { name: string }) => /headphones/i.test(i.name) && !/stand/i.test(i.name));
  if (!item) return say('I could not find headphones in that order.');
  const ret = resultOf(v, 'return_item');
  if (!ret) return call('return_item', { order_id: 'W1002', item_ids: [item.item_id], reason: 'they hurt my ears' });
  if (errorType(ret) === 'needs_confirmation') {
    return say(`I can start a return of the ${item.name} (${item.item_id}) from order W1002, refund ${item.price}.00 USD to your original payment method. Please confirm.`);
  }
  return say('The return did not go through.');
};
export default script;
