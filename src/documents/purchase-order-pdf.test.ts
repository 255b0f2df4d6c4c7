import { describe, expect, it } from 'vitest';
import {
  type PurchaseOrderDocument,
  type PurchaseOrderDocumentLine,
  renderPurchaseOrderPdf,
} from './purchase-order-pdf.js';

const TABLE_HEADER = ['#', 'SKU', 'Item', 'Deliver to', 'Quantity', 'Unit', 'Unit price', 'Line total', 'Expected'];

function orderLine(line: number, overrides: Partial<PurchaseOrderDocumentLine> = {}): PurchaseOrderDocumentLine {
  return {
    line,
    sku: `SKU-${String(line).padStart(4, '0')}`,
    item_name: `Item ${line}`,
    supplier_sku: null,
    location: 'MAIN',
    unit: 'pcs',
    quantity: 10,
    unit_price: 2.5,
    line_total: 25,
    expected_date: '2025-03-21',
    ...overrides,
  };
}

function purchaseOrder(overrides: Partial<PurchaseOrderDocument> = {}): PurchaseOrderDocument {
  return {
    number: 'PO-000042',
    status: 'sent',
    created_at: '2025-03-14T09:30:00.000Z',
    sent_at: '2025-03-14T10:00:00.000Z',
    promised_date: '2025-03-20',
    buyer: { name: 'Leanstock' },
    supplier: { code: 'ACME', name: 'Acme Industrial Supplies', email: 'orders@acme.example' },
    currency: 'EUR',
    lines: [
      orderLine(1, { sku: 'HOSE-12', item_name: 'Hydraulic hose', supplier_sku: 'AC-7781', unit: 'm', quantity: 25.5 }),
      orderLine(2, { sku: 'M8-NUT', location: 'WH-NORTH', quantity: 1000, unit_price: 0.12, line_total: 120 }),
    ],
    total: 1234.5,
    note: 'Deliver to gate 3.',
    ...overrides,
  };
}

/**
 * The text runs of each page of an uncompressed pdfkit PDF, in page order: pages from the page tree's /Kids, one
 * run per TJ operator (one wrapped line of one text call), hex glyph strings decoded as Latin-1, kerning ignored.
 */
function readPdfPages(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  const objectBody = (id: string) => {
    const match = new RegExp(`(?:^|\\n)${id} 0 obj\\n([\\s\\S]*?)\\nendobj`).exec(raw);
    if (match === null) throw new Error(`object ${id} not found`);
    return match[1]!;
  };
  const kids = /\/Type \/Pages[\s\S]*?\/Kids \[([^\]]*)\]/.exec(raw)?.[1] ?? '';
  const pageIds = [...kids.matchAll(/(\d+) 0 R/g)].map((match) => match[1]!);
  return pageIds.map((pageId) => {
    const contentsId = /\/Contents (\d+) 0 R/.exec(objectBody(pageId))![1]!;
    const stream = /stream\n([\s\S]*?)\nendstream/.exec(objectBody(contentsId))![1]!;
    return [...stream.matchAll(/\[([^\]]*)\] TJ/g)].map((operator) =>
      [...operator[1]!.matchAll(/<([0-9a-f]*)>/g)]
        .map((hex) => Buffer.from(hex[1]!, 'hex').toString('latin1'))
        .join(''),
    );
  });
}

async function renderPages(document: PurchaseOrderDocument): Promise<string[][]> {
  return readPdfPages(await renderPurchaseOrderPdf(document, { compress: false }));
}

describe('renderPurchaseOrderPdf', () => {
  it('produces a PDF file', async () => {
    const pdf = await renderPurchaseOrderPdf(purchaseOrder());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
  });

  it('prints the order number, dates, supplier, buyer, lines, delivery locations, total and note', async () => {
    const [page] = await renderPages(purchaseOrder());
    expect(page).toEqual(
      expect.arrayContaining([
        'Purchase order',
        'PO-000042',
        '2025-03-14',
        '2025-03-20',
        'Acme Industrial Supplies',
        'Supplier code ACME',
        'orders@acme.example',
        'Leanstock',
        'MAIN, WH-NORTH',
        'HOSE-12',
        'supplier: AC-7781',
        'Hydraulic hose',
        '25.5',
        'M8-NUT',
        '1,000',
        '0.12',
        '120.00',
        '2025-03-21',
        'Total',
        'EUR 1,234.50',
        'Deliver to gate 3.',
        'Page 1 of 1',
      ]),
    );
  });

  it('prints amounts with the digits of the currency', async () => {
    const [page] = await renderPages(
      purchaseOrder({ currency: 'JPY', lines: [orderLine(1, { unit_price: 1200, line_total: 12000 })], total: 12000 }),
    );
    expect(page).toEqual(expect.arrayContaining(['1,200', '12,000', 'JPY 12,000']));
  });

  it('says the total is not stated when a line has no price, and prints a dash for the missing prices', async () => {
    const lines = [orderLine(1), orderLine(2, { unit_price: null, line_total: null, expected_date: null })];
    const [page] = await renderPages(purchaseOrder({ lines, total: null, sent_at: null, promised_date: null }));
    expect(page).toContain('not stated (some lines have no price)');
    expect(page).toContain('not sent yet');
    // WinAnsi 0x97 is the em dash the document prints for a missing value.
    expect(page!.filter((text) => text === '\x97').length).toBeGreaterThanOrEqual(4);
  });

  it('spreads 120 lines over 4 pages, repeating the table header and numbering the pages', async () => {
    const lines = Array.from({ length: 120 }, (_, index) => orderLine(index + 1));
    const pdf = await renderPurchaseOrderPdf(purchaseOrder({ lines }), { compress: false });
    const pages = readPdfPages(pdf);
    // A one-line row is 17.826 pt: Helvetica's line at 8.5 pt is (718 + 207 + 231 gap) / 1000 × 8.5 = 9.826 pt, plus
    // 2 × 4 pt padding; the table header row is as high. The body ends at 841.89 − 40 − 24 (footer) = 777.89 pt.
    // Page 1: the header blocks end with the table header at 192.18 pt, rows from 210.01 pt: ⌊567.88 / 17.826⌋ = 31.
    // Later pages: rows from 40 + 17.826 = 57.826 pt: ⌊720.06 / 17.826⌋ = 40. 31 + 40 + 40 = 111, 9 rows on page 4.
    expect(pages).toHaveLength(4);
    expect(pdf.toString('latin1').match(/\/Type \/Page\n/g)).toHaveLength(4);
    const skusPerPage = pages.map((page) => page.filter((text) => /^SKU-\d{4}$/.test(text)).length);
    expect(skusPerPage).toEqual([31, 40, 40, 9]);
    pages.forEach((page, index) => {
      const firstRow = page.findIndex((text) => /^SKU-\d{4}$/.test(text));
      expect(page.slice(firstRow - 10, firstRow - 1)).toEqual(TABLE_HEADER);
      expect(page).toContain(`Page ${index + 1} of 4`);
    });
    const skus = pages.flat().filter((text) => /^SKU-\d{4}$/.test(text));
    expect(skus).toEqual(lines.map((line) => line.sku));
    expect(pages[3]).toContain('EUR 1,234.50');
  });

  it('wraps a long item name over several lines inside its row', async () => {
    const name = 'Stainless steel hex bolt M12 × 80 mm, fully threaded, A4-80, DIN 933, for marine environments';
    const [page] = await renderPages(purchaseOrder({ lines: [orderLine(1, { item_name: name }), orderLine(2)] }));
    const start = page!.findIndex((text) => text.startsWith('Stainless steel'));
    const wrapped = page!.slice(start, page!.indexOf('MAIN', start));
    expect(wrapped.length).toBeGreaterThanOrEqual(3);
    expect(wrapped.map((text) => text.trim()).join(' ')).toBe(name.replace('×', '\xd7'));
  });

  it('prints text the standard fonts lack as the nearest Latin letters instead of wrong glyphs', async () => {
    const [page] = await renderPages(
      purchaseOrder({ supplier: { code: 'LDZ', name: 'Łódź Hurtownia Śrub', email: null }, note: 'Lieferung 日本' }),
    );
    expect(page).toContain('Lódz Hurtownia Srub');
    expect(page).toContain('Lieferung ??');
    expect(page).toContain('no e-mail address');
  });

  it('gives the same bytes for the same order, dated by the order rather than the clock', async () => {
    const first = await renderPurchaseOrderPdf(purchaseOrder());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await renderPurchaseOrderPdf(purchaseOrder());
    expect(second.equals(first)).toBe(true);
    const uncompressed = (await renderPurchaseOrderPdf(purchaseOrder(), { compress: false })).toString('latin1');
    expect(uncompressed).toContain('(D:20250314093000Z)');
  });

  it('prints an order without lines', async () => {
    const [page] = await renderPages(purchaseOrder({ lines: [], total: 0 }));
    expect(page).toEqual(expect.arrayContaining(['This order has no lines.', 'EUR 0.00']));
  });
});
