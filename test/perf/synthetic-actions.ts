import type { ActionInput, Variable } from '../../shared/action';
import { toolParameters } from '../../shared/tool-schema';

/*
 * A large tenant's catalogue, made up but shaped like real ones: domains (orders, refunds,
 * subscriptions, ...) times verbs times back-office systems, each with a sentence of
 * description and the variables such an endpoint takes. Used by the tool-selection tests
 * and by the actions benchmark (token counts, turn latency at 1..1000 actions).
 */

type Var = Pick<Variable, 'name' | 'type' | 'description'> & { example?: string };

const DOMAINS: { key: string; words: string; vars: Var[] }[] = [
  { key: 'order', words: 'order', vars: [{ name: 'order_number', type: 'string', description: 'The order number, as printed on the confirmation email', example: 'A-1' }] },
  { key: 'refund', words: 'refund', vars: [{ name: 'order_number', type: 'string', description: 'The order the refund is for' }, { name: 'amount', type: 'float', description: 'Amount to refund in the order currency' }] },
  { key: 'subscription', words: 'subscription plan', vars: [{ name: 'subscription_id', type: 'string', description: 'The subscription identifier, starts with sub_' }] },
  { key: 'invoice', words: 'invoice', vars: [{ name: 'invoice_number', type: 'string', description: 'The invoice number, e.g. INV-2024-001' }] },
  { key: 'shipment', words: 'shipment and parcel tracking', vars: [{ name: 'tracking_number', type: 'string', description: 'The carrier tracking number of the parcel' }] },
  { key: 'account', words: 'customer account', vars: [{ name: 'email', type: 'email', description: 'The email address of the account' }] },
  { key: 'address', words: 'delivery address', vars: [{ name: 'email', type: 'email', description: 'The account email' }, { name: 'postcode', type: 'string', description: 'Postal code of the new address' }] },
  { key: 'payment_method', words: 'payment method and card on file', vars: [{ name: 'email', type: 'email', description: 'The account email' }] },
  { key: 'loyalty_points', words: 'loyalty points balance', vars: [{ name: 'member_id', type: 'string', description: 'Loyalty programme member number' }] },
  { key: 'gift_card', words: 'gift card', vars: [{ name: 'card_code', type: 'string', description: 'The 16 character gift card code' }] },
  { key: 'warranty', words: 'product warranty claim', vars: [{ name: 'serial_number', type: 'string', description: 'Serial number of the device' }] },
  { key: 'appointment', words: 'service appointment booking', vars: [{ name: 'date', type: 'date', description: 'Date of the appointment' }, { name: 'phone', type: 'phone', description: 'Phone number to confirm the booking' }] },
  { key: 'return', words: 'product return and RMA label', vars: [{ name: 'order_number', type: 'string', description: 'The order the return is for' }, { name: 'reason', type: 'string', description: 'Why the customer returns the item' }] },
  { key: 'coupon', words: 'discount coupon code', vars: [{ name: 'code', type: 'string', description: 'The coupon code the customer has' }] },
  { key: 'stock', words: 'product stock availability', vars: [{ name: 'sku', type: 'string', description: 'The product SKU' }, { name: 'quantity', type: 'integer', description: 'How many items the customer wants' }] },
  { key: 'store_hours', words: 'store opening hours and location', vars: [{ name: 'city', type: 'string', description: 'City of the store' }] },
  { key: 'delivery_slot', words: 'home delivery time slot', vars: [{ name: 'order_number', type: 'string', description: 'The order to deliver' }, { name: 'date', type: 'date', description: 'Preferred delivery date' }] },
  { key: 'password', words: 'password reset and login', vars: [{ name: 'email', type: 'email', description: 'The login email' }] },
  { key: 'newsletter', words: 'newsletter and marketing email preferences', vars: [{ name: 'email', type: 'email', description: 'The subscriber email' }] },
  { key: 'data_export', words: 'personal data export (GDPR request)', vars: [{ name: 'email', type: 'email', description: 'The account email' }] },
];

const VERBS: { key: string; text: string }[] = [
  { key: 'lookup', text: 'Look up the' },
  { key: 'list', text: 'List every' },
  { key: 'cancel', text: 'Cancel the' },
  { key: 'update', text: 'Change the' },
  { key: 'create', text: 'Open a new' },
  { key: 'resend', text: 'Send again the email about the' },
  { key: 'check-status', text: 'Check the current status of the' },
  { key: 'escalate', text: 'Escalate to a specialist team a problem with the' },
  { key: 'history', text: 'Show the change history of the' },
  { key: 'verify', text: 'Verify the details of the' },
];

const SYSTEMS = ['', 'eu', 'us', 'legacy', 'b2b'];

/** `n` (at most 1000) action specs; the first is always `lookup_order`, the one the benchmarks' scripted model calls. */
export function syntheticActions(n: number, apiBase = 'https://api.example.com'): (ActionInput & { name: string; description: string; variables: Var[] })[] {
  const out: (ActionInput & { name: string; description: string; variables: Var[] })[] = [];
  for (const system of SYSTEMS) {
    for (const verb of VERBS) {
      for (const d of DOMAINS) {
        if (out.length >= n) return out;
        const name = [verb.key.replace('-', '_'), d.key, system].filter(Boolean).join('_');
        const where = system ? ` in the ${system.toUpperCase()} back office` : '';
        const description = `${verb.text} ${d.words}${where}. Ask the customer for the ${d.vars.map((v) => v.name.replace(/_/g, ' ')).join(' and ')} first.`;
        const write = ['cancel', 'update', 'create', 'escalate'].includes(verb.key);
        out.push({
          name,
          description,
          method: write ? 'POST' : 'GET',
          url: `${apiBase}/${d.key}s/{{${d.vars[0]!.name}}}`,
          ...(write ? { body: JSON.stringify(Object.fromEntries(d.vars.map((v) => [v.name, `{{${v.name}}}`]))) } : {}),
          variables: d.vars.map((v) => ({ ...v, ...(v.example ? {} : { example: 'X-1' }) })),
          response: { fields: [], maxChars: 4000 },
        });
      }
    }
  }
  return out;
}

/** The tool definitions the model would get for these actions (chat-completions `tools`, strict). */
export function toolDefinitions(actions: readonly { name: string; description: string; variables: Var[] }[]) {
  return actions.map((a) => ({
    type: 'function' as const,
    function: {
      name: a.name,
      description: a.description,
      parameters: toolParameters(a.variables.map((v) => ({ required: true, isArray: false, ...v }))),
      strict: true,
    },
  }));
}

/** Approximate tokens of what goes on the wire: JSON characters / 4. */
export function approxTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}
