interface Product {
  sku: string;
  price?: { amount: number; currency: string };
}

const products = new Map<string, Product>([
  ['tea', { sku: 'tea', price: { amount: 4, currency: 'EUR' } }],
  ['mug', { sku: 'mug' }],
]);

/** The mug has no price yet: a real bug, caught by Faultline with this line. */
export function priceOf(sku: string): string {
  const product = products.get(sku) ?? { sku };
  const price = product.price as { amount: number; currency: string };
  return `${price.amount.toFixed(2)} ${price.currency}`;
}

/** Fails after an await, the way a call to a stock service does. */
export async function reserveStock(sku: string, quantity: number): Promise<{ reserved: number }> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (quantity > 10) throw new RangeError(`cannot reserve ${quantity} of ${sku}: only 10 in stock`);
  return { reserved: quantity };
}
