import PDFDocument from 'pdfkit';
import { deliveryLocations, formatOrderAmount, formatOrderDate, formatOrderQuantity } from './purchase-order-format.js';
import { toWinAnsiText } from './win-ansi-text.js';

/** A purchase order as printed and e-mailed: plain data, numbers in major units, dates as ISO strings. */
export type PurchaseOrderDocument = {
  number: string;
  status: string;
  created_at: string;
  sent_at: string | null;
  promised_date: string | null;
  buyer: { name: string };
  supplier: { code: string; name: string; email: string | null };
  currency: string;
  lines: PurchaseOrderDocumentLine[];
  total: number | null;
  note: string | null;
};

export type PurchaseOrderDocumentLine = {
  line: number;
  sku: string;
  item_name: string;
  supplier_sku: string | null;
  location: string;
  unit: string;
  quantity: number;
  unit_price: number | null;
  line_total: number | null;
  expected_date: string | null;
};

/** `compress: false` leaves the page streams readable, for tests that look for text. */
export type PurchaseOrderPdfOptions = { compress?: boolean };

type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'right';
type Column = { title: string; width: number; align: Align; cell: (line: PurchaseOrderDocumentLine) => string };

const MARGIN = 40;
const FOOTER_HEIGHT = 24;
const CELL_PAD_X = 3;
const CELL_PAD_Y = 4;
const TABLE_FONT_SIZE = 8.5;
const SECONDARY_FONT_SIZE = 7.5;
const INK = '#111111';
const MUTED = '#666666';
const RULE = '#cccccc';
const HEADER_FILL = '#eeeeee';

/**
 * Renders a purchase order as an A4 PDF: number, dates, supplier, buyer and delivery locations, a table of lines
 * whose header repeats on every page, the total and the note, and "page n of m" on every page. The same document
 * gives the same bytes: the PDF's creation date is the order's `created_at`.
 */
export function renderPurchaseOrderPdf(
  document: PurchaseOrderDocument,
  options: PurchaseOrderPdfOptions = {},
): Promise<Buffer> {
  const po = printableDocument(document);
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_HEIGHT },
      bufferPages: true,
      compress: options.compress ?? true,
      info: {
        Title: `Purchase order ${document.number}`,
        Author: document.buyer.name,
        Subject: `Purchase order ${document.number} to ${document.supplier.name}`,
        Creator: 'Leanstock',
        CreationDate: new Date(document.created_at),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      drawHeader(doc, po);
      drawParties(doc, po);
      drawLines(doc, po);
      drawTotalAndNote(doc, po);
      drawFooters(doc, po);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

/** The document with every text field printable in the standard fonts' WinAnsi encoding. */
function printableDocument(document: PurchaseOrderDocument): PurchaseOrderDocument {
  const text = toWinAnsiText;
  const optional = (value: string | null) => (value === null ? null : text(value));
  return {
    ...document,
    number: text(document.number),
    status: text(document.status),
    buyer: { name: text(document.buyer.name) },
    supplier: {
      code: text(document.supplier.code),
      name: text(document.supplier.name),
      email: optional(document.supplier.email),
    },
    currency: text(document.currency),
    lines: document.lines.map((line) => ({
      ...line,
      sku: text(line.sku),
      item_name: text(line.item_name),
      supplier_sku: optional(line.supplier_sku),
      location: text(line.location),
      unit: text(line.unit),
    })),
    note: optional(document.note),
  };
}

function contentWidth(doc: Doc): number {
  return doc.page.width - 2 * MARGIN;
}

/** The lowest y the body may reach on a page: the bottom margin leaves room for the footer. */
function bodyBottom(doc: Doc): number {
  return doc.page.maxY();
}

function drawHeader(doc: Doc, po: PurchaseOrderDocument): void {
  const width = contentWidth(doc);
  const top = MARGIN;
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(20).text('Purchase order', MARGIN, top);
  doc
    .font('Helvetica')
    .fontSize(14)
    .text(po.number, MARGIN, doc.y + 2);
  const leftBottom = doc.y;

  const facts: Array<[string, string]> = [
    ['Status', humanStatus(po.status)],
    ['Created', formatOrderDate(po.created_at)],
    ['Sent', po.sent_at === null ? 'not sent yet' : formatOrderDate(po.sent_at)],
    ['Promised delivery', formatOrderDate(po.promised_date)],
    ['Currency', po.currency],
  ];
  const labelWidth = 90;
  const valueWidth = 90;
  const factsX = MARGIN + width - labelWidth - valueWidth;
  let y = top + 2;
  doc.fontSize(9);
  for (const [label, value] of facts) {
    doc.font('Helvetica').fillColor(MUTED).text(label, factsX, y, { width: labelWidth });
    doc
      .font('Helvetica-Bold')
      .fillColor(INK)
      .text(value, factsX + labelWidth, y, { width: valueWidth, align: 'right' });
    y = doc.y + 2;
  }
  const bottom = Math.max(leftBottom, y) + 10;
  drawRule(doc, bottom);
  doc.y = bottom + 12;
}

function drawParties(doc: Doc, po: PurchaseOrderDocument): void {
  const gap = 16;
  const blockWidth = (contentWidth(doc) - 2 * gap) / 3;
  const top = doc.y;
  const supplierLines = [`Supplier code ${po.supplier.code}`, po.supplier.email ?? 'no e-mail address'];
  const blocks: Array<{ label: string; title: string; lines: string[] }> = [
    { label: 'SUPPLIER', title: po.supplier.name, lines: supplierLines },
    { label: 'BUYER', title: po.buyer.name, lines: [] },
    { label: 'DELIVER TO', title: deliveryLocations(po.lines).join(', ') || '—', lines: [] },
  ];
  let bottom = top;
  blocks.forEach((block, index) => {
    const x = MARGIN + index * (blockWidth + gap);
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor(MUTED).text(block.label, x, top, { width: blockWidth });
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor(INK)
      .text(block.title, x, doc.y + 3, { width: blockWidth });
    doc.font('Helvetica').fontSize(9);
    for (const line of block.lines) doc.text(line, x, doc.y + 1, { width: blockWidth });
    bottom = Math.max(bottom, doc.y);
  });
  doc.y = bottom + 18;
}

function lineColumns(po: PurchaseOrderDocument): Column[] {
  const amount = (value: number | null) => formatOrderAmount(value, po.currency);
  return [
    { title: '#', width: 26, align: 'right', cell: (line) => String(line.line) },
    { title: 'SKU', width: 78, align: 'left', cell: (line) => line.sku },
    { title: 'Item', width: 114, align: 'left', cell: (line) => line.item_name },
    { title: 'Deliver to', width: 53, align: 'left', cell: (line) => line.location },
    { title: 'Quantity', width: 50, align: 'right', cell: (line) => formatOrderQuantity(line.quantity) },
    { title: 'Unit', width: 28, align: 'left', cell: (line) => line.unit },
    { title: 'Unit price', width: 54, align: 'right', cell: (line) => amount(line.unit_price) },
    { title: 'Line total', width: 60, align: 'right', cell: (line) => amount(line.line_total) },
    { title: 'Expected', width: 52, align: 'right', cell: (line) => formatOrderDate(line.expected_date) },
  ];
}

function drawLines(doc: Doc, po: PurchaseOrderDocument): void {
  const columns = lineColumns(po);
  if (doc.y + 60 > bodyBottom(doc)) doc.addPage();
  drawTableHeader(doc, columns);
  if (po.lines.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(TABLE_FONT_SIZE).fillColor(MUTED);
    doc.text('This order has no lines.', MARGIN + CELL_PAD_X, doc.y + CELL_PAD_Y);
    doc.y += CELL_PAD_Y;
    return;
  }
  for (const line of po.lines) {
    const height = rowHeight(doc, columns, line);
    if (doc.y + height > bodyBottom(doc)) {
      doc.addPage();
      drawTableHeader(doc, columns);
    }
    drawRow(doc, columns, line, height);
  }
}

function drawTableHeader(doc: Doc, columns: Column[]): void {
  const top = doc.y;
  doc.font('Helvetica-Bold').fontSize(TABLE_FONT_SIZE);
  const height = Math.max(...columns.map((column) => cellTextHeight(doc, column.title, column))) + 2 * CELL_PAD_Y;
  doc.rect(MARGIN, top, contentWidth(doc), height).fill(HEADER_FILL);
  doc.fillColor(INK);
  let x = MARGIN;
  for (const column of columns) {
    doc.text(column.title, x + CELL_PAD_X, top + CELL_PAD_Y, cellOptions(column));
    x += column.width;
  }
  doc.y = top + height;
}

function rowHeight(doc: Doc, columns: Column[], line: PurchaseOrderDocumentLine): number {
  doc.font('Helvetica').fontSize(TABLE_FONT_SIZE);
  let height = Math.max(...columns.map((column) => cellTextHeight(doc, column.cell(line), column)));
  if (line.supplier_sku !== null) {
    const skuColumn = columns[1]!;
    const skuHeight = cellTextHeight(doc, line.sku, skuColumn);
    doc.fontSize(SECONDARY_FONT_SIZE);
    height = Math.max(height, skuHeight + 1 + cellTextHeight(doc, supplierSkuText(line.supplier_sku), skuColumn));
  }
  return height + 2 * CELL_PAD_Y;
}

function drawRow(doc: Doc, columns: Column[], line: PurchaseOrderDocumentLine, height: number): void {
  const top = doc.y;
  doc.font('Helvetica').fontSize(TABLE_FONT_SIZE).fillColor(INK);
  let x = MARGIN;
  for (const column of columns) {
    doc.text(column.cell(line), x + CELL_PAD_X, top + CELL_PAD_Y, cellOptions(column));
    if (column.title === 'SKU' && line.supplier_sku !== null) {
      doc.fontSize(SECONDARY_FONT_SIZE).fillColor(MUTED);
      doc.text(supplierSkuText(line.supplier_sku), x + CELL_PAD_X, doc.y + 1, cellOptions(column));
      doc.fontSize(TABLE_FONT_SIZE).fillColor(INK);
    }
    x += column.width;
  }
  drawRule(doc, top + height);
  doc.y = top + height;
}

function supplierSkuText(supplierSku: string): string {
  return `supplier: ${supplierSku}`;
}

function cellOptions(column: Column): PDFKit.Mixins.TextOptions {
  return { width: column.width - 2 * CELL_PAD_X, align: column.align };
}

function cellTextHeight(doc: Doc, text: string, column: Column): number {
  return doc.heightOfString(text, cellOptions(column));
}

function drawTotalAndNote(doc: Doc, po: PurchaseOrderDocument): void {
  const width = contentWidth(doc);
  const noteHeight = po.note === null ? 0 : 30 + doc.font('Helvetica').fontSize(9).heightOfString(po.note, { width });
  if (doc.y + 30 + noteHeight > bodyBottom(doc)) doc.addPage();
  const top = doc.y + 8;
  const totalText =
    po.total === null
      ? 'not stated (some lines have no price)'
      : `${po.currency} ${formatOrderAmount(po.total, po.currency)}`;
  const right = MARGIN + width - CELL_PAD_X;
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK);
  const amountWidth = doc.widthOfString(totalText);
  doc.text(totalText, right - amountWidth, top, { lineBreak: false });
  doc.font('Helvetica').text('Total', right - amountWidth - 12 - doc.widthOfString('Total'), top, { lineBreak: false });
  doc.y = top + doc.currentLineHeight() + 4;
  if (po.note !== null) {
    doc
      .font('Helvetica-Bold')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text('NOTE', MARGIN, doc.y + 14, { width });
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(INK)
      .text(po.note, MARGIN, doc.y + 3, { width });
  }
}

function drawFooters(doc: Doc, po: PurchaseOrderDocument): void {
  const range = doc.bufferedPageRange();
  const width = contentWidth(doc);
  for (let index = 0; index < range.count; index += 1) {
    doc.switchToPage(range.start + index);
    // The footer sits inside the bottom margin, where pdfkit would otherwise start a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    drawRule(doc, y - 6);
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    doc.text(`${po.number} · ${po.buyer.name} to ${po.supplier.name}`, MARGIN, y, {
      width: width - 80,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(`Page ${index + 1} of ${range.count}`, MARGIN + width - 80, y, { width: 80, align: 'right' });
    doc.page.margins.bottom = bottomMargin;
  }
}

function drawRule(doc: Doc, y: number): void {
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + contentWidth(doc), y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
}

function humanStatus(status: string): string {
  const words = status.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
