import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { toWinAnsiText } from './win-ansi-text.js';

/** What one kanban card's label prints; `signal_url` is the QR code's content. */
export type KanbanLabel = {
  card_id: string;
  number: number;
  /** N: the cards in circulation in the loop. */
  cards: number;
  sku: string;
  item_name: string;
  location: string;
  location_name: string;
  container_quantity: number;
  unit: string;
  supplier: { code: string; name: string } | null;
  signal_url: string;
};

export type KanbanLabelOptions = {
  /** `sheet`: A4 pages of 2 × 4 labels (105 × 74.25 mm, the common 8-up label sheet); `single`: one label-sized page each. */
  layout: 'sheet' | 'single';
  title?: string;
  /** The PDF's creation date; the same labels and date give the same bytes. */
  createdAt?: Date;
  /** `compress: false` leaves the page streams readable, for tests that look for text. */
  compress?: boolean;
  /** Renders a QR code as a PNG; replaceable so tests can see what each code encodes. */
  renderQr?: (text: string) => Promise<Buffer>;
};

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };
const COLUMNS = 2;
const ROWS = 4;
const LABEL = { width: A4.width / COLUMNS, height: A4.height / ROWS };
const PAD = 12;
const HEADER_HEIGHT = 22;
const QR_SIZE = 104;
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#bbbbbb';

/**
 * The address a card's QR code opens: the phone page that signals it, `<public base>/kanban/cards/<id>`.
 * A base with a path (a server behind a prefix) keeps its path; a trailing slash is not doubled.
 *
 * @example kanbanCardUrl('https://stock.example.com/', 'K7M2Q9XD4TB') // 'https://stock.example.com/kanban/cards/K7M2Q9XD4TB'
 */
export function kanbanCardUrl(publicBase: string, cardId: string): string {
  return `${publicBase.replace(/\/+$/, '')}/kanban/cards/${encodeURIComponent(cardId)}`;
}

/** The file name of a loop's label sheet, `kanban-<sku>-<location>.pdf`, with only letters, digits, `.`, `_` and `-`. */
export function kanbanSheetFileName(sku: string, location: string): string {
  return `kanban-${fileNamePart(sku)}-${fileNamePart(location)}.pdf`;
}

/** A file name part of letters, digits, `.`, `_` and `-` only. */
export function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** A QR code of `text` as a PNG, error correction M (a label may get dirty), one module of quiet zone. */
export function renderQrPng(text: string): Promise<Buffer> {
  // RGB without alpha: pdfkit embeds an alpha PNG asynchronously, and then object order (the bytes) can vary.
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 1,
    scale: 8,
    rendererOpts: { colorType: 2 } as QRCode.QRCodeToBufferOptions['rendererOpts'],
  });
}

/**
 * Renders kanban card labels as a PDF: each with the item's SKU and name, the location, the container
 * quantity and unit, the supplier, "card n of N", the card id and a QR code of its signal URL. Text is
 * limited to what the standard fonts print (accents folded), and long values are shortened with an ellipsis
 * rather than spilling over the next label.
 */
export async function renderKanbanLabelsPdf(labels: KanbanLabel[], options: KanbanLabelOptions): Promise<Buffer> {
  const renderQr = options.renderQr ?? renderQrPng;
  const codes: Buffer[] = [];
  for (const label of labels) codes.push(await renderQr(label.signal_url));
  const single = options.layout === 'single';
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({
      size: single ? [LABEL.width, LABEL.height] : [A4.width, A4.height],
      margin: 0,
      autoFirstPage: false,
      compress: options.compress ?? true,
      info: {
        Title: toWinAnsiText(options.title ?? 'Kanban cards'),
        Creator: 'Leanstock',
        CreationDate: options.createdAt ?? new Date(0),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      const perPage = single ? 1 : COLUMNS * ROWS;
      if (labels.length === 0) doc.addPage();
      labels.forEach((label, index) => {
        const slot = index % perPage;
        if (slot === 0) {
          doc.addPage();
          if (!single) drawCutLines(doc);
        }
        const x = single ? 0 : (slot % COLUMNS) * LABEL.width;
        const y = single ? 0 : Math.floor(slot / COLUMNS) * LABEL.height;
        drawLabel(doc, printable(label), codes[index]!, x, y);
      });
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

function printable(label: KanbanLabel): KanbanLabel {
  const text = toWinAnsiText;
  return {
    ...label,
    card_id: text(label.card_id),
    sku: text(label.sku),
    item_name: text(label.item_name),
    location: text(label.location),
    location_name: text(label.location_name),
    unit: text(label.unit),
    supplier: label.supplier && { code: text(label.supplier.code), name: text(label.supplier.name) },
    signal_url: text(label.signal_url),
  };
}

function drawCutLines(doc: PDFKit.PDFDocument): void {
  doc.save().lineWidth(0.5).strokeColor(RULE).dash(3, { space: 3 });
  for (let column = 1; column < COLUMNS; column++) {
    doc
      .moveTo(column * LABEL.width, 0)
      .lineTo(column * LABEL.width, A4.height)
      .stroke();
  }
  for (let row = 1; row < ROWS; row++) {
    doc
      .moveTo(0, row * LABEL.height)
      .lineTo(A4.width, row * LABEL.height)
      .stroke();
  }
  doc.undash().restore();
}

function drawLabel(doc: PDFKit.PDFDocument, label: KanbanLabel, qr: Buffer, x: number, y: number): void {
  const left = x + PAD;
  const top = y + PAD;
  const width = LABEL.width - 2 * PAD;
  const height = LABEL.height - 2 * PAD;

  doc.save().rect(left, top, width, HEADER_HEIGHT).fill(INK).restore();
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(10);
  doc.text('KANBAN', left + 8, top + 7, { lineBreak: false });
  doc.text(`card ${label.number} of ${label.cards}`, left + 8, top + 7, {
    width: width - 16,
    align: 'right',
    lineBreak: false,
  });

  const bodyTop = top + HEADER_HEIGHT + 8;
  const qrLeft = left + width - QR_SIZE;
  doc.image(qr, qrLeft, bodyTop, { width: QR_SIZE, height: QR_SIZE });
  doc.fillColor(MUTED).font('Helvetica').fontSize(7);
  doc.text('Scan me when empty', qrLeft, bodyTop + QR_SIZE + 2, {
    width: QR_SIZE,
    align: 'center',
    lineBreak: false,
  });

  const textWidth = width - QR_SIZE - 10;
  doc
    .fillColor(INK)
    .font('Helvetica-Bold')
    .fontSize(fittingSize(doc, label.sku, textWidth, 20, 11));
  doc.text(label.sku, left, bodyTop, { width: textWidth, height: 24, ellipsis: true, lineBreak: false });
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  doc.text(label.item_name, left, bodyTop + 24, { width: textWidth, height: 22, ellipsis: true });

  let fieldTop = bodyTop + 54;
  const field = (name: string, value: string) => {
    doc.fillColor(MUTED).font('Helvetica').fontSize(6.5).text(name.toUpperCase(), left, fieldTop, { lineBreak: false });
    doc
      .fillColor(INK)
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(value, left, fieldTop + 8, { width: textWidth, height: 12, ellipsis: true, lineBreak: false });
    fieldTop += 24;
  };
  field('Location', label.location_name ? `${label.location} - ${label.location_name}` : label.location);
  field('Container', `${label.container_quantity} ${label.unit}`);
  field(
    'Supplier',
    label.supplier === null
      ? 'none usable yet'
      : label.supplier.name
        ? `${label.supplier.code} - ${label.supplier.name}`
        : label.supplier.code,
  );

  const footTop = top + height - 20;
  doc
    .save()
    .moveTo(left, footTop - 4)
    .lineTo(left + width, footTop - 4)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke()
    .restore();
  doc.fillColor(INK).font('Courier-Bold').fontSize(12).text(label.card_id, left, footTop, { lineBreak: false });
  doc
    .fillColor(MUTED)
    .font('Helvetica')
    .fontSize(6)
    .text(label.signal_url, left, footTop + 13, { width, height: 8, ellipsis: true, lineBreak: false });
}

/** The largest font size from `max` down to `min` at which `text` fits `width` on one line. */
function fittingSize(doc: PDFKit.PDFDocument, text: string, width: number, max: number, min: number): number {
  for (let size = max; size > min; size--) {
    if (doc.fontSize(size).widthOfString(text) <= width) return size;
  }
  return min;
}
