import type { SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePurchaseOrder } from '../../../test/support/purchase-order-document.js';
import { mimeParts, startSmtpSink, type TestSmtpServer } from '../../../test/support/smtp-sink.js';
import { statusOf } from '../../api/http-errors.js';
import { type PurchaseOrderDocument, renderPurchaseOrderPdf } from '../../documents/purchase-order-pdf.js';
import { DomainError } from '../../domain/errors.js';
import { type MailConfig, mailConfigFromEnv, sendPurchaseOrderMail } from './mailer.js';

/** The sample order with a price on every line, so it has a total. */
const po: PurchaseOrderDocument = {
  ...samplePurchaseOrder,
  lines: [samplePurchaseOrder.lines[0]!, { ...samplePurchaseOrder.lines[1]!, unit_price: 0.12, line_total: 120 }],
  total: 227.1,
};

const servers: TestSmtpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startSmtpServer(options: SMTPServerOptions = {}): Promise<TestSmtpServer> {
  const server = await startSmtpSink(options);
  servers.push(server);
  return server;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

async function sendFailure(config: MailConfig, to = 'orders@acme.example'): Promise<DomainError> {
  const pdf = await renderPurchaseOrderPdf(po);
  const error = await sendPurchaseOrderMail(config, { to, po, pdf }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('mailConfigFromEnv', () => {
  it('is undefined when no SMTP URL is set, so orders are not e-mailed', () => {
    expect(mailConfigFromEnv({})).toBeUndefined();
    expect(mailConfigFromEnv({ LEANSTOCK_SMTP_URL: '  ', LEANSTOCK_MAIL_FROM: 'po@example.com' })).toBeUndefined();
  });

  it('sends from leanstock@localhost unless LEANSTOCK_MAIL_FROM says otherwise', () => {
    expect(mailConfigFromEnv({ LEANSTOCK_SMTP_URL: 'smtp://127.0.0.1:2525' })).toEqual({
      smtpUrl: 'smtp://127.0.0.1:2525',
      from: 'leanstock@localhost',
    });
    const env = {
      LEANSTOCK_SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      LEANSTOCK_MAIL_FROM: 'Buying <po@x.org>',
    };
    expect(mailConfigFromEnv(env)).toEqual({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      from: 'Buying <po@x.org>',
    });
  });

  it.each([
    ['a path', '/var/mail'],
    ['an HTTP URL', 'https://mail.example.com'],
    ['a URL without a host', 'smtp://'],
  ])('refuses %s as the SMTP URL, naming the variable', (_name, value) => {
    expect(() => mailConfigFromEnv({ LEANSTOCK_SMTP_URL: value })).toThrow(/LEANSTOCK_SMTP_URL/);
  });

  it('refuses a sender that is not an address', () => {
    expect(() => mailConfigFromEnv({ LEANSTOCK_SMTP_URL: 'smtp://h:25', LEANSTOCK_MAIL_FROM: 'Leanstock' })).toThrow(
      /LEANSTOCK_MAIL_FROM/,
    );
  });
});

describe('sendPurchaseOrderMail', () => {
  it('delivers the order to the supplier with the subject, a text body and the PDF attached', async () => {
    const server = await startSmtpServer();
    const pdf = await renderPurchaseOrderPdf(po);
    const config = { smtpUrl: server.url, from: 'Leanstock buying <buying@leanstock.example>' };

    const { messageId } = await sendPurchaseOrderMail(config, { to: 'orders@acme.example', po, pdf });

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail!.from).toBe('buying@leanstock.example');
    expect(mail!.to).toEqual(['orders@acme.example']);
    expect(mail!.raw).toMatch(/^Subject: Purchase order PO-000042 from Leanstock\r$/m);
    expect(mail!.raw).toMatch(/^To: orders@acme\.example\r$/m);
    expect(mail!.raw).toContain(`Message-ID: ${messageId}`);

    const parts = mimeParts(mail!.raw);
    const text = parts.find((part) => /Content-Type: text\/plain/.test(part.headers))!;
    const body = /quoted-printable/.test(text.headers) ? decodeQuotedPrintable(text.body) : text.body;
    expect(body).toContain('  1. HOSE-12 (your ref. AC-7781) Hydraulic hose');
    expect(body).toContain('     25.5 m to MAIN, at 4.20 EUR = 107.10 EUR, expected 2025-03-21');
    expect(body).toContain('  2. M8-NUT Nut M8');
    expect(body).toContain('Total: 227.10 EUR');

    const attachment = parts.find((part) => /Content-Type: application\/pdf/.test(part.headers))!;
    expect(attachment.headers).toMatch(/filename=PO-000042\.pdf/);
    expect(attachment.headers).toMatch(/Content-Transfer-Encoding: base64/);
    const attached = Buffer.from(attachment.body.replace(/\s+/g, ''), 'base64');
    expect(attached.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(attached.equals(pdf)).toBe(true);
  });

  it('logs in with the user and password of the SMTP URL', async () => {
    const logins: Array<{ username: string | null | undefined; password: string | null | undefined }> = [];
    const server = await startSmtpServer({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        if (auth.username === 'buyer@leanstock.example' && auth.password === 'p@ss:word') {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
    });
    const smtpUrl = server.url.replace('smtp://', 'smtp://buyer%40leanstock.example:p%40ss%3Aword@');
    const pdf = await renderPurchaseOrderPdf(po);

    await sendPurchaseOrderMail({ smtpUrl, from: 'leanstock@localhost' }, { to: 'orders@acme.example', po, pdf });

    expect(logins).toEqual([{ username: 'buyer@leanstock.example', password: 'p@ss:word' }]);
    expect(server.received).toHaveLength(1);

    const refused = await sendFailure({ smtpUrl: server.url.replace('smtp://', 'smtp://buyer:wrong@'), from: 'a@b' });
    expect(refused.code).toBe('LS_MAIL_FAILED');
    expect(refused.message).not.toContain('wrong');
  });

  it('fails with LS_MAIL_FAILED, mapped to 502, when the server rejects the recipient', async () => {
    const server = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        const error = Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 });
        callback(error);
      },
    });

    const error = await sendFailure({ smtpUrl: server.url, from: 'leanstock@localhost' });

    expect(error.code).toBe('LS_MAIL_FAILED');
    expect(statusOf(error.code)).toBe(502);
    expect(error.message).toContain('Could not e-mail purchase order PO-000042 to orders@acme.example');
    expect(error.message).toContain(`through the SMTP server ${server.url.slice('smtp://'.length)}`);
    expect(error.message).toContain('550 Mailbox orders@acme.example unavailable');
    expect(error.details).toEqual([expect.objectContaining({ field: 'to', value: 'EENVELOPE' })]);
    expect(server.received).toHaveLength(0);
  });

  it('fails with LS_MAIL_FAILED when no SMTP server listens', async () => {
    const server = await startSmtpServer();
    await server.close();
    servers.splice(servers.indexOf(server), 1);

    const error = await sendFailure({ smtpUrl: server.url, from: 'leanstock@localhost' });

    expect(error.code).toBe('LS_MAIL_FAILED');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'smtp' })]);
  });

  it('refuses a recipient that is not an address with LS_VALIDATION, before talking to the server', async () => {
    const server = await startSmtpServer();
    for (const to of ['', 'acme', 'a@b, c@d']) {
      const error = await sendFailure({ smtpUrl: server.url, from: 'leanstock@localhost' }, to);
      expect(error.code).toBe('LS_VALIDATION');
      expect(error.details).toEqual([expect.objectContaining({ field: 'to' })]);
    }
    expect(server.received).toHaveLength(0);
  });
});
