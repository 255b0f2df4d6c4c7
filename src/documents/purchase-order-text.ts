import { deliveryLocations, formatOrderAmount, formatOrderDate, formatOrderQuantity } from './purchase-order-format.js';
import type { PurchaseOrderDocument, PurchaseOrderDocumentLine } from './purchase-order-pdf.js';

/**
 * A purchase order as plain text, for the body of the e-mail that carries the PDF: a greeting, one entry per line
 * (SKU, the supplier's SKU, name, quantity, destination, price, expected date), the total, the delivery
 * locations, the note, and a request to confirm.
 */
export function renderPurchaseOrderText(po: PurchaseOrderDocument): string {
  const header = [
    `Dear ${po.supplier.name},`,
    '',
    `Please find attached our purchase order ${po.number} (${po.number}.pdf).`,
    '',
    `Purchase order ${po.number}`,
    [
      `Created ${formatOrderDate(po.created_at)}`,
      ...(po.promised_date === null ? [] : [`promised delivery ${formatOrderDate(po.promised_date)}`]),
      `currency ${po.currency}`,
    ].join(', '),
    '',
  ];
  const lines = po.lines.length === 0 ? ['(no lines)'] : po.lines.flatMap((line) => lineText(line, po.currency));
  const total =
    po.total === null
      ? 'Total: not stated (some lines have no price)'
      : `Total: ${formatOrderAmount(po.total, po.currency)} ${po.currency}`;
  const footer = [
    '',
    total,
    `Deliver to: ${deliveryLocations(po.lines).join(', ') || '—'}`,
    ...(po.note === null ? [] : ['', `Note: ${po.note}`]),
    '',
    'Please confirm the order and its delivery date by replying to this e-mail.',
    '',
    po.buyer.name,
    '',
  ];
  return [...header, ...lines, ...footer].join('\n');
}

function lineText(line: PurchaseOrderDocumentLine, currency: string): string[] {
  const reference = line.supplier_sku === null ? '' : ` (your ref. ${line.supplier_sku})`;
  const quantity = `${formatOrderQuantity(line.quantity)} ${line.unit} to ${line.location}`;
  const amount = (value: number) => `${formatOrderAmount(value, currency)} ${currency}`;
  const unitPrice = line.unit_price === null ? 'no price' : `at ${amount(line.unit_price)}`;
  const price = line.line_total === null ? unitPrice : `${unitPrice} = ${amount(line.line_total)}`;
  const expected = line.expected_date === null ? '' : `, expected ${formatOrderDate(line.expected_date)}`;
  return [
    `${String(line.line).padStart(3)}. ${line.sku}${reference} ${line.item_name}`,
    `     ${quantity}, ${price}${expected}`,
  ];
}
