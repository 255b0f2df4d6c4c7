import { type PurchaseOrderDocument, renderPurchaseOrderPdf } from '../../documents/purchase-order-pdf.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { type MailConfig, sendPurchaseOrderMail } from './mailer.js';
import { getPurchaseOrder, markEmailed, type PurchaseOrderView, sendPurchaseOrder } from './purchase-order.service.js';

/** Who the purchase orders are from, printed on them: `LEANSTOCK_COMPANY_NAME`, default "Leanstock". */
export function buyerNameFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env['LEANSTOCK_COMPANY_NAME']?.trim() || 'Leanstock';
}

export type EmailOutcome = {
  status: 'sent' | 'not_configured' | 'no_address' | 'failed' | 'skipped';
  to: string | null;
  message_id?: string;
  error?: string;
};

export type MailSettings = { mail: MailConfig | undefined; buyerName: string };

/** The printable form of a purchase order. */
export function purchaseOrderDocument(order: PurchaseOrderView, buyerName: string): PurchaseOrderDocument {
  return {
    number: order.number,
    status: order.status,
    created_at: order.created_at,
    sent_at: order.sent_at,
    promised_date: order.promised_date,
    buyer: { name: buyerName },
    supplier: { code: order.supplier, name: order.supplier_name, email: order.supplier_email },
    currency: order.currency,
    lines: order.lines.map((line, i) => ({
      line: i + 1,
      sku: line.sku,
      item_name: line.item_name,
      supplier_sku: line.supplier_sku,
      location: line.location,
      unit: line.unit,
      quantity: line.quantity,
      unit_price: line.unit_price,
      line_total: line.line_total,
      expected_date: line.expected_date,
    })),
    total: order.total,
    note: order.note,
  };
}

export async function purchaseOrderPdf(database: Database, id: number, buyerName: string): Promise<Buffer> {
  return renderPurchaseOrderPdf(purchaseOrderDocument(await getPurchaseOrder(database, id), buyerName));
}

/**
 * Sends a draft and then, after the commit, e-mails it with its PDF when SMTP is configured and the
 * supplier has an address. The order stays sent whatever the mail server says; the answer's `email`
 * says what happened, and `POST /purchase-orders/{id}/email` tries again.
 */
export async function sendAndMailPurchaseOrder(
  database: Database,
  id: number,
  ctx: ServiceContext,
  settings: MailSettings,
  options: { email: boolean },
): Promise<PurchaseOrderView & { email: EmailOutcome }> {
  const sent = await sendPurchaseOrder(database, id, ctx);
  if (!options.email) return { ...sent, email: { status: 'skipped', to: sent.supplier_email } };
  try {
    const mailed = await mailPurchaseOrder(database, sent, ctx, settings);
    return { ...mailed.order, email: mailed.email };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { ...sent, email: { status: 'failed', to: sent.supplier_email, error: error.message } };
  }
}

/**
 * E-mails an order that was sent (again, e.g. after a mail failure). Without SMTP configuration or a
 * supplier address the answer says so; a refusing mail server is LS_MAIL_FAILED (502).
 */
export async function emailPurchaseOrder(
  database: Database,
  id: number,
  ctx: ServiceContext,
  settings: MailSettings,
): Promise<PurchaseOrderView & { email: EmailOutcome }> {
  const order = await getPurchaseOrder(database, id);
  if (order.status === 'draft' || order.status === 'cancelled') {
    throw new DomainError('LS_INVALID_STATE', `id: ${order.number} is ${order.status}; send it first`, [
      { field: 'id', message: `is ${order.status}; only sent orders are e-mailed`, value: id },
    ]);
  }
  const mailed = await mailPurchaseOrder(database, order, ctx, settings);
  return { ...mailed.order, email: mailed.email };
}

async function mailPurchaseOrder(
  database: Database,
  order: PurchaseOrderView,
  ctx: ServiceContext,
  settings: MailSettings,
): Promise<{ order: PurchaseOrderView; email: EmailOutcome }> {
  if (!settings.mail) return { order, email: { status: 'not_configured', to: order.supplier_email } };
  if (!order.supplier_email) return { order, email: { status: 'no_address', to: null } };
  const document = purchaseOrderDocument(order, settings.buyerName);
  const pdf = await renderPurchaseOrderPdf(document);
  const { messageId } = await sendPurchaseOrderMail(settings.mail, { to: order.supplier_email, po: document, pdf });
  await markEmailed(database, order.id, ctx.now);
  return {
    order: { ...order, emailed_at: new Date(ctx.now).toISOString() },
    email: { status: 'sent', to: order.supplier_email, message_id: messageId },
  };
}
