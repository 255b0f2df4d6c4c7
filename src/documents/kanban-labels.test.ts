import { describe, expect, it } from 'vitest';
import {
  type KanbanLabel,
  kanbanCardUrl,
  kanbanSheetFileName,
  renderKanbanLabelsPdf,
  renderQrPng,
} from './kanban-labels.js';

function label(number: number, overrides: Partial<KanbanLabel> = {}): KanbanLabel {
  const cardId = `K00000000${String(number).padStart(2, '0')}`;
  return {
    card_id: cardId,
    number,
    cards: 9,
    sku: 'BOLT-M8',
    item_name: 'Hex bolt M8 x 40',
    location: 'WS',
    location_name: 'Workshop',
    container_quantity: 50,
    unit: 'pcs',
    supplier: { code: 'ACME', name: 'Acme Industrial' },
    signal_url: kanbanCardUrl('https://stock.example.com', cardId),
    ...overrides,
  };
}

/** The text runs of each page of an uncompressed pdfkit PDF: one per TJ operator, hex strings decoded as Latin-1. */
function pageTexts(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  const streams = [...raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)]
    .map((m) => m[1]!)
    .filter((s) => s.includes(' TJ'));
  return streams.map((stream) =>
    [...stream.matchAll(/\[([^\]]*)\] TJ/g)].map((tj) =>
      [...tj[1]!.matchAll(/<([0-9a-f]*)>/g)].map((hex) => Buffer.from(hex[1]!, 'hex').toString('latin1')).join(''),
    ),
  );
}

describe('kanbanCardUrl', () => {
  it('is the phone page of the card under the public base, without a doubled slash, keeping a base path', () => {
    expect(kanbanCardUrl('https://stock.example.com', 'K7M2Q9XD4TB')).toBe(
      'https://stock.example.com/kanban/cards/K7M2Q9XD4TB',
    );
    expect(kanbanCardUrl('http://192.168.1.20:3000/', 'K7M2Q9XD4TB')).toBe(
      'http://192.168.1.20:3000/kanban/cards/K7M2Q9XD4TB',
    );
    expect(kanbanCardUrl('https://example.com/leanstock//', 'K1')).toBe(
      'https://example.com/leanstock/kanban/cards/K1',
    );
  });
});

describe('kanbanSheetFileName', () => {
  it('keeps letters, digits, dot, underscore and dash of the SKU and location', () => {
    expect(kanbanSheetFileName('BOLT-M8', 'WS')).toBe('kanban-BOLT-M8-WS.pdf');
    expect(kanbanSheetFileName('BOLT M8/40"', '../etc')).toBe('kanban-BOLT_M8_40_-.._etc.pdf');
  });
});

describe('renderKanbanLabelsPdf', () => {
  it('puts the signal URL of each card in its QR code, in card order', async () => {
    const encoded: string[] = [];
    const labels = [label(1), label(2), label(3)];
    const pdf = await renderKanbanLabelsPdf(labels, {
      layout: 'sheet',
      renderQr: (text) => {
        encoded.push(text);
        return renderQrPng(text);
      },
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(encoded).toEqual([
      'https://stock.example.com/kanban/cards/K0000000001',
      'https://stock.example.com/kanban/cards/K0000000002',
      'https://stock.example.com/kanban/cards/K0000000003',
    ]);
  });

  it('prints 2 × 4 labels per A4 sheet with the item, location, container, supplier, card n of N and the id', async () => {
    const labels = Array.from({ length: 9 }, (_, i) => label(i + 1));
    const pdf = await renderKanbanLabelsPdf(labels, { layout: 'sheet', compress: false });
    const raw = pdf.toString('latin1');
    // 210 × 297 mm in points.
    expect(raw).toContain('/MediaBox [0 0 595.275591 841.889764]');
    const pages = pageTexts(pdf);
    expect(pages).toHaveLength(2);
    // Each label draws its QR code once: 8 on the first sheet, 1 on the second.
    const imageDraws = [...raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)]
      .map((m) => m[1]!)
      .filter((s) => s.includes(' TJ'))
      .map((s) => (s.match(/\/I\d+ Do/g) ?? []).length);
    expect(imageDraws).toEqual([8, 1]);
    const first = pages[0]!;
    for (const text of [
      'KANBAN',
      'card 1 of 9',
      'card 8 of 9',
      'BOLT-M8',
      'Hex bolt M8 x 40',
      'WS - Workshop',
      '50 pcs',
      'ACME - Acme Industrial',
      'K0000000001',
      'https://stock.example.com/kanban/cards/K0000000001',
    ]) {
      expect(first).toContain(text);
    }
    expect(pages[1]).toContain('card 9 of 9');
    expect(pages[1]).not.toContain('card 1 of 9');
  });

  it('gives one label-sized page per card in the single layout, the same bytes for the same labels', async () => {
    const options = { layout: 'single' as const, createdAt: new Date('2026-03-02T09:00:00Z') };
    const pdf = await renderKanbanLabelsPdf([label(4), label(5)], { ...options, compress: false });
    // 105 × 74.25 mm: an eighth of A4.
    expect(pdf.toString('latin1').match(/\/MediaBox \[0 0 297.637795 210.472441\]/g)).toHaveLength(2);
    expect(pageTexts(pdf).map((page) => page.filter((t) => t.startsWith('card ')))).toEqual([
      ['card 4 of 9'],
      ['card 5 of 9'],
    ]);
    const again = await renderKanbanLabelsPdf([label(4), label(5)], { ...options, compress: false });
    expect(again.equals(pdf)).toBe(true);
  });

  it('folds text the standard fonts cannot print, and says so when no supplier is usable', async () => {
    const pdf = await renderKanbanLabelsPdf(
      [label(1, { item_name: 'Śruba M8 螺栓', location_name: 'Łódź', supplier: null })],
      { layout: 'single', compress: false },
    );
    const texts = pageTexts(pdf)[0]!;
    expect(texts).toContain('Sruba M8 ??');
    expect(texts).toContain('WS - Lódz');
    expect(texts).toContain('none usable yet');
  });

  it('renders a PNG QR code', async () => {
    const png = await renderQrPng('https://stock.example.com/kanban/cards/K0000000001');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
