import { describe, expect, it } from 'vitest';
import { samplePurchaseOrder } from '../../test/support/purchase-order-document.js';
import { renderPurchaseOrderText } from './purchase-order-text.js';

const po = samplePurchaseOrder;

describe('renderPurchaseOrderText', () => {
  it('lists every line with quantity, destination, price and expected date, then the total and the note', () => {
    expect(renderPurchaseOrderText(po)).toBe(
      [
        'Dear Acme Industrial Supplies,',
        '',
        'Please find attached our purchase order PO-000042 (PO-000042.pdf).',
        '',
        'Purchase order PO-000042',
        'Created 2025-03-14, promised delivery 2025-03-20, currency EUR',
        '',
        '  1. HOSE-12 (your ref. AC-7781) Hydraulic hose',
        '     25.5 m to MAIN, at 4.20 EUR = 107.10 EUR, expected 2025-03-21',
        '  2. M8-NUT Nut M8',
        '     1,000 pcs to WH-NORTH, no price',
        '',
        'Total: not stated (some lines have no price)',
        'Deliver to: MAIN, WH-NORTH',
        '',
        'Note: Deliver to gate 3.',
        '',
        'Please confirm the order and its delivery date by replying to this e-mail.',
        '',
        'Leanstock',
        '',
      ].join('\n'),
    );
  });

  it('prints the total in the currency and leaves out a missing promised date and note', () => {
    const text = renderPurchaseOrderText({ ...po, currency: 'JPY', total: 12000, promised_date: null, note: null });
    expect(text).toContain('Created 2025-03-14, currency JPY\n');
    expect(text).toContain('\nTotal: 12,000 JPY\n');
    expect(text).not.toContain('Note:');
  });
});
