import type { PricedProduct } from './products';

export interface Price {
  hourly: number;
  monthly: number;
}

/** Prices are kept to 4 decimals, so sums do not drift with binary fractions. */
export function roundPrice(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

export function scalePrice(p: PricedProduct, units: number): Price {
  return { hourly: roundPrice(p.hourlyPrice * units), monthly: roundPrice(p.monthlyPrice * units) };
}

export function sumPrices(prices: Price[]): Price {
  return prices.reduce(
    (a, b) => ({ hourly: roundPrice(a.hourly + b.hourly), monthly: roundPrice(a.monthly + b.monthly) }),
    { hourly: 0, monthly: 0 },
  );
}
