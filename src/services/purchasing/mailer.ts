import { createTransport } from 'nodemailer';
import type { PurchaseOrderDocument } from '../../documents/purchase-order-pdf.js';
import { renderPurchaseOrderText } from '../../documents/purchase-order-text.js';
import { DomainError } from '../../domain/errors.js';

/** Where purchase orders are e-mailed from: an SMTP server URL and the sender address. */
export type MailConfig = {
  /** `smtp://host:port` (STARTTLS when the server offers it) or `smtps://user:pass@host:465` (TLS from the start). */
  smtpUrl: string;
  from: string;
};

export type PurchaseOrderMail = { to: string; po: PurchaseOrderDocument; pdf: Buffer };

export const DEFAULT_MAIL_FROM = 'leanstock@localhost';

/** Fail within seconds rather than nodemailer's minutes: the caller is an HTTP request waiting for the answer. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Reads `LEANSTOCK_SMTP_URL` and `LEANSTOCK_MAIL_FROM` (default `leanstock@localhost`); undefined when no SMTP URL
 * is set, which means purchase orders are not e-mailed. A malformed value throws: it is the operator's mistake, to
 * be found when the server starts.
 *
 * @example
 * mailConfigFromEnv({ LEANSTOCK_SMTP_URL: 'smtp://127.0.0.1:2525' })
 * // { smtpUrl: 'smtp://127.0.0.1:2525', from: 'leanstock@localhost' }
 */
export function mailConfigFromEnv(env: Record<string, string | undefined>): MailConfig | undefined {
  const smtpUrl = env['LEANSTOCK_SMTP_URL']?.trim();
  if (!smtpUrl) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error(
      `LEANSTOCK_SMTP_URL is not a URL; expected e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465`,
    );
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new Error(
      `LEANSTOCK_SMTP_URL must be smtp://host[:port] or smtps://[user:pass@]host[:port], not ${url.protocol}//…`,
    );
  }
  const from = env['LEANSTOCK_MAIL_FROM']?.trim() || DEFAULT_MAIL_FROM;
  if (!isMailAddress(addressOf(from))) {
    throw new Error(`LEANSTOCK_MAIL_FROM must be an address like orders@example.com or "Name <orders@example.com>"`);
  }
  return { smtpUrl, from };
}

/** The subject of a purchase order e-mail: "Purchase order PO-000042 from Leanstock". */
export function purchaseOrderMailSubject(po: PurchaseOrderDocument): string {
  return `Purchase order ${po.number} from ${po.buyer.name}`;
}

/**
 * E-mails a purchase order to the supplier through the configured SMTP server: a plain-text body listing the lines
 * and the PDF attached as `<number>.pdf`. A recipient that is not an address is LS_VALIDATION; anything the SMTP
 * server refuses, or an unreachable server, is LS_MAIL_FAILED.
 */
export async function sendPurchaseOrderMail(
  config: MailConfig,
  mail: PurchaseOrderMail,
): Promise<{ messageId: string }> {
  const to = mail.to.trim();
  if (!isMailAddress(to)) {
    throw new DomainError('LS_VALIDATION', `to: must be an e-mail address like orders@example.com`, [
      { field: 'to', message: 'must be an e-mail address like orders@example.com', value: mail.to },
    ]);
  }
  const transport = createTransport({ ...SMTP_TIMEOUTS, url: config.smtpUrl });
  try {
    const info = await transport.sendMail({
      from: config.from,
      to,
      subject: purchaseOrderMailSubject(mail.po),
      text: renderPurchaseOrderText(mail.po),
      attachments: [{ filename: `${mail.po.number}.pdf`, content: mail.pdf, contentType: 'application/pdf' }],
    });
    return { messageId: info.messageId };
  } catch (error) {
    throw mailFailure(error, config, to, mail.po.number);
  } finally {
    transport.close();
  }
}

type SmtpError = Error & { code?: string; response?: string; responseCode?: number };

function mailFailure(error: unknown, config: MailConfig, to: string, number: string): DomainError {
  const smtp = error as SmtpError;
  const reason = smtp.response ?? smtp.message ?? String(error);
  const server = serverName(config.smtpUrl);
  const field = smtp.code === 'EENVELOPE' ? 'to' : 'smtp';
  return new DomainError(
    'LS_MAIL_FAILED',
    `Could not e-mail purchase order ${number} to ${to} through the SMTP server ${server}: ${reason}`,
    [{ field, message: reason, ...(smtp.code !== undefined && { value: smtp.code }) }],
  );
}

/** host:port of the SMTP URL, never its credentials. */
function serverName(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return `${url.hostname}:${port}`;
}

function addressOf(from: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(from);
  return angle === null ? from : angle[1]!.trim();
}

function isMailAddress(value: string): boolean {
  return /^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(value);
}
