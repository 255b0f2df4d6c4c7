import type { PurchaseOrderDocument } from '../../src/documents/purchase-order-pdf.js';

/** A sent order of two lines, one without a price (so no total): the shape the PDF and the e-mail print. */
export const samplePurchaseOrder: PurchaseOrderDocument = {
  number: 'PO-000042',
  status: 'sent',
  created_at: '2025-03-14T09:30:00.000Z',
  sent_at: '2025-03-14T10:00:00.000Z',
  promised_date: '2025-03-20',
  buyer: { name: 'Leanstock' },
  supplier: { code: 'ACME', name: 'Acme Industrial Supplies', email: 'orders@acme.example' },
  currency: 'EUR',
  lines: [
    {
      line: 1,
      sku: 'HOSE-12',
      item_name: 'Hydraulic hose',
      supplier_sku: 'AC-7781',
      location: 'MAIN',
      unit: 'm',
      quantity: 25.5,
      unit_price: 4.2,
      line_total: 107.1,
      expected_date: '2025-03-21',
    },
    {
      line: 2,
      sku: 'M8-NUT',
      item_name: 'Nut M8',
      supplier_sku: null,
      location: 'WH-NORTH',
      unit: 'pcs',
      quantity: 1000,
      unit_price: null,
      line_total: null,
      expected_date: null,
    },
  ],
  total: null,
  note: 'Deliver to gate 3.',
};
