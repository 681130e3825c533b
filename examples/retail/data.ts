/** The retail fixture's seed data: two customers, their orders, their accounts. */

export interface Item {
  item_id: string;
  name: string;
  price: number;
  status: 'ordered' | 'delivered' | 'cancelled' | 'return requested';
}

export interface Order {
  order_id: string;
  email: string;
  status: 'pending' | 'processed' | 'delivered' | 'cancelled';
  placed_at: string;
  items: Item[];
  shipping: { carrier: string | null; tracking: string | null; eta: string | null };
}

export interface Customer {
  customer_id: string;
  name: string;
  email: string;
  zip: string;
  tier: 'regular' | 'gold';
  member_since: string;
  store_credit: number;
  address: { line1: string; city: string; state: string; zip: string };
}

export const CUSTOMERS: readonly Customer[] = [
  {
    customer_id: 'cus_ann_lee',
    name: 'Ann Lee',
    email: 'ann@example.com',
    zip: '94103',
    tier: 'gold',
    member_since: '2021-03-14',
    store_credit: 25,
    address: { line1: '12 Market St', city: 'San Francisco', state: 'CA', zip: '94103' },
  },
  {
    customer_id: 'cus_bob_stone',
    name: 'Bob Stone',
    email: 'bob@example.com',
    zip: '10001',
    tier: 'regular',
    member_since: '2023-11-02',
    store_credit: 0,
    address: { line1: '88 Hudson Yards', city: 'New York', state: 'NY', zip: '10001' },
  },
];

export const ORDERS: readonly Order[] = [
  {
    order_id: 'W1001',
    email: 'ann@example.com',
    status: 'pending',
    placed_at: '2025-05-02T10:12:00Z',
    items: [
      { item_id: 'I-1001-1', name: 'Mechanical keyboard', price: 129, status: 'ordered' },
      { item_id: 'I-1001-2', name: 'Wireless mouse', price: 49, status: 'ordered' },
    ],
    shipping: { carrier: null, tracking: null, eta: null },
  },
  {
    order_id: 'W1002',
    email: 'ann@example.com',
    status: 'delivered',
    placed_at: '2025-04-20T08:30:00Z',
    items: [
      { item_id: 'I-1002-1', name: 'Noise-cancelling headphones', price: 199, status: 'delivered' },
      { item_id: 'I-1002-2', name: 'Headphone stand', price: 25, status: 'delivered' },
    ],
    shipping: { carrier: 'UPS', tracking: '1Z999AA10123456784', eta: '2025-04-24' },
  },
  {
    order_id: 'W2001',
    email: 'bob@example.com',
    status: 'pending',
    placed_at: '2025-05-03T16:40:00Z',
    items: [{ item_id: 'I-2001-1', name: 'Espresso machine', price: 349, status: 'ordered' }],
    shipping: { carrier: null, tracking: null, eta: null },
  },
];
