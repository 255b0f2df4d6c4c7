import { useEffect, useState } from 'react';
import { api, type Page, query } from '../api';

export type ItemOption = { sku: string; name: string; unit: string };
export type LocationOption = { code: string; name: string; kind: 'site' | 'bin'; site: string; active: boolean };

export const MOVEMENT_TYPES = ['issue', 'receipt', 'transfer', 'adjustment', 'count', 'scrap', 'sale'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** How each movement type reads to a person: a button label, a verb for the answer and what the quantity means. */
export const MOVEMENT_WORDS: Record<
  MovementType,
  { label: string; done: string; quantity: string; hint: string; tone: 'ok' | 'warn' | 'bad' | 'info' | 'neutral' }
> = {
  issue: {
    label: 'Issue',
    done: 'Issued',
    quantity: 'Quantity to issue',
    hint: 'Units taken out for use',
    tone: 'warn',
  },
  receipt: {
    label: 'Receive',
    done: 'Received',
    quantity: 'Quantity received',
    hint: 'Units put in without a purchase order',
    tone: 'ok',
  },
  transfer: {
    label: 'Transfer',
    done: 'Transferred',
    quantity: 'Quantity to move',
    hint: 'Units moved from one location to another',
    tone: 'info',
  },
  adjustment: {
    label: 'Adjust',
    done: 'Adjusted',
    quantity: 'Change (+ or −)',
    hint: 'A signed correction of on hand: −2 takes two off',
    tone: 'neutral',
  },
  count: {
    label: 'Count',
    done: 'Counted',
    quantity: 'Counted quantity',
    hint: 'Sets on hand to what is on the shelf',
    tone: 'neutral',
  },
  scrap: { label: 'Scrap', done: 'Scrapped', quantity: 'Quantity scrapped', hint: 'Units written off', tone: 'bad' },
  sale: { label: 'Sale', done: 'Sold', quantity: 'Quantity sold', hint: 'Units sold to a customer', tone: 'warn' },
};

export function isMovementType(value: string | null): value is MovementType {
  return value !== null && (MOVEMENT_TYPES as readonly string[]).includes(value);
}

/** Items whose SKU or name contain the text, for a datalist (the first 20, loaded as the text changes). */
export function useItemOptions(text: string): ItemOption[] {
  const [options, setOptions] = useState<ItemOption[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api<Page<ItemOption>>(`/items${query({ q: text.trim(), active: true, limit: 20 })}`, {
        signal: controller.signal,
      }).then(
        (page) => setOptions(page.data),
        () => undefined,
      );
    }, 120);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text]);
  return options;
}

/** Every active location (sites and bins), for a datalist or a select. */
export function useLocationOptions(): LocationOption[] {
  const [options, setOptions] = useState<LocationOption[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    api<Page<LocationOption>>('/locations?active=true&limit=1000', { signal: controller.signal }).then(
      (page) => setOptions(page.data),
      () => undefined,
    );
    return () => controller.abort();
  }, []);
  return options;
}
