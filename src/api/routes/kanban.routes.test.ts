import { inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser, signInAs } from '../../../test/support/auth.js';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { publicUrlFromEnv } from '../../services/kanban/public-url.js';
import { buildApp } from '../app.js';
import { publicBaseOf } from './kanban.routes.js';
import { escapeHtml } from './kanban-page.js';

const now = Date.UTC(2026, 5, 1, 12);

/** The text runs of a pdfkit PDF, compressed or not: each Flate stream inflated, each TJ's hex strings decoded. */
function pdfTexts(pdf: Buffer): string[] {
  const texts: string[] = [];
  const raw = pdf.toString('latin1');
  for (const match of raw.matchAll(/\/FlateDecode[\s\S]*?>>\nstream\n/g)) {
    const start = match.index! + match[0].length;
    const end = raw.indexOf('\nendstream', start);
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const tj of content.matchAll(/\[([^\]]*)\] TJ/g)) {
      texts.push(
        [...tj[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
      );
    }
  }
  return texts;
}

describeEachDialect('kanban routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['BOLT', 'NUT'], locations: ['WS'] });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'PUT' | 'GET' | 'POST', url: string, payload?: unknown, headers = {}) =>
    app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers });

  async function seedLoop(cards = 3) {
    expect((await send('POST', '/api/v1/suppliers', { code: 'ACME', name: 'Acme' })).statusCode).toBe(201);
    expect(
      (await send('POST', '/api/v1/items/BOLT/sources', { supplier: 'ACME', unit_price: 0.1, rank: 1 })).statusCode,
    ).toBe(201);
    const put = await send('PUT', '/api/v1/policies/BOLT/WS', { kind: 'kanban', cards, container_quantity: 50 });
    expect(put.statusCode).toBe(200);
    const list = await send('GET', '/api/v1/kanban/loops?sku=BOLT');
    expect(list.statusCode).toBe(200);
    return list.json().data[0] as { id: number; cards: Array<{ id: string; number: number }> };
  }

  it('lists the loop a kanban policy created, with the contract fields, and shows one loop and one card', async () => {
    const loop = await seedLoop();
    const list = (await send('GET', '/api/v1/kanban/loops?sku=BOLT&location=WS&active=true')).json();
    expect(list).toEqual({
      data: [
        expect.objectContaining({
          id: loop.id,
          sku: 'BOLT',
          location: 'WS',
          supplier: null,
          orders_from: { code: 'ACME', name: 'Acme' },
          container_quantity: 50,
          active: true,
          cards: [1, 2, 3].map((number) =>
            expect.objectContaining({ number, state: 'full', purchase_order: null, signalled_at: null }),
          ),
          retired_cards: [],
        }),
      ],
      next_cursor: null,
    });
    const one = await send('GET', `/api/v1/kanban/loops/${loop.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(list.data[0]);
    const card = await send('GET', `/api/v1/kanban/cards/${loop.cards[1]!.id}`);
    expect(card.statusCode).toBe(200);
    expect(card.json()).toMatchObject({
      id: loop.cards[1]!.id,
      number: 2,
      state: 'full',
      loop: { id: loop.id, sku: 'BOLT', location: 'WS', cards: 3, container_quantity: 50, unit: 'pcs' },
    });
  });

  it('POST signal orders one container on the draft, and a second signal answers already_signalled', async () => {
    const loop = await seedLoop();
    const cardId = loop.cards[0]!.id;
    const first = await send('POST', `/api/v1/kanban/cards/${cardId}/signal`, undefined, { 'x-actor': 'alice' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      id: cardId,
      state: 'ordered',
      already_signalled: false,
      purchase_order: 'PO-000001',
      signalled_by: 'alice',
      triggered: [
        {
          kind: 'order_line',
          purchase_order: 'PO-000001',
          supplier: 'ACME',
          quantity: 50,
          line_quantity: 50,
          cards: 1,
        },
      ],
    });
    const second = await send('POST', `/api/v1/kanban/cards/${cardId}/signal`);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ state: 'ordered', already_signalled: true, triggered: [] });
    const drafts = (await send('GET', '/api/v1/purchase-orders?status=draft')).json();
    expect(drafts.data).toEqual([
      expect.objectContaining({ supplier: 'ACME', lines: [expect.objectContaining({ sku: 'BOLT', quantity: 50 })] }),
    ]);

    const keyed = { 'idempotency-key': 'scan-42' };
    const again = await send('POST', `/api/v1/kanban/cards/${loop.cards[1]!.id}/signal`, undefined, keyed);
    const retry = await send('POST', `/api/v1/kanban/cards/${loop.cards[1]!.id}/signal`, undefined, keyed);
    expect(retry.json()).toEqual(again.json());
    expect(retry.json()).toMatchObject({ already_signalled: false, triggered: [{ line_quantity: 100 }] });
  });

  it('answers 404 naming id for an unknown card or loop, 400 for a loop id that is not a number, 409 for a retired card', async () => {
    const loop = await seedLoop(2);
    for (const [method, url] of [
      ['GET', '/api/v1/kanban/cards/K0000000000'],
      ['POST', '/api/v1/kanban/cards/K0000000000/signal'],
      ['GET', '/api/v1/kanban/cards/nope/label.pdf'],
      ['GET', '/api/v1/kanban/loops/999'],
      ['GET', '/api/v1/kanban/loops/999/labels.pdf'],
    ] as const) {
      const response = await send(method, url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error).toMatchObject({
        code: 'LS_NOT_FOUND',
        details: [expect.objectContaining({ field: 'id' })],
      });
    }
    const bad = await send('GET', '/api/v1/kanban/loops/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^id: /);
    const badQuery = await send('GET', '/api/v1/kanban/loops?active=maybe');
    expect(badQuery.statusCode).toBe(400);
    expect((await send('GET', '/api/v1/kanban/loops?sku=GHOST')).json().error.code).toBe('LS_UNKNOWN_ITEM');

    await send('PUT', '/api/v1/policies/BOLT/WS', { kind: 'kanban', cards: 1, container_quantity: 50 });
    const retired = await send('POST', `/api/v1/kanban/cards/${loop.cards[1]!.id}/signal`);
    expect(retired.statusCode).toBe(409);
    expect(retired.json().error).toMatchObject({
      code: 'LS_INACTIVE',
      details: [expect.objectContaining({ field: 'id' })],
    });
    expect((await send('GET', `/api/v1/kanban/cards/${loop.cards[1]!.id}/label.pdf`)).statusCode).toBe(409);
    await send('PUT', '/api/v1/policies/BOLT/WS', { kind: 'manual' });
    expect((await send('GET', `/api/v1/kanban/loops/${loop.id}/labels.pdf`)).statusCode).toBe(409);
  });

  it('label.pdf is a PDF whose QR code and printed address are the card page under the Host of the request', async () => {
    const loop = await seedLoop(2);
    const cardId = loop.cards[0]!.id;
    // Labels name the address others reach the server at; beyond localhost, everyone signs in.
    await addUser(database(), 'ann', 'clerk', now);
    const { cookie } = await signInAs(app, 'ann');
    const label = await send('GET', `/api/v1/kanban/cards/${cardId}/label.pdf`, undefined, {
      host: 'stock.local:8080',
      cookie,
    });
    expect(label.statusCode).toBe(200);
    expect(label.headers['content-type']).toBe('application/pdf');
    expect(label.headers['content-disposition']).toBe(`inline; filename="kanban-card-${cardId}.pdf"`);
    expect(label.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const texts = pdfTexts(label.rawPayload);
    expect(texts).toEqual(
      expect.arrayContaining(['card 1 of 2', 'BOLT', cardId, `http://stock.local:8080/kanban/cards/${cardId}`]),
    );

    const sheet = await send('GET', `/api/v1/kanban/loops/${loop.id}/labels.pdf`, undefined, {
      host: '10.0.0.5:3000',
      cookie,
    });
    expect(sheet.statusCode).toBe(200);
    expect(sheet.headers['content-type']).toBe('application/pdf');
    expect(sheet.headers['content-disposition']).toBe('inline; filename="kanban-BOLT-WS.pdf"');
    expect(pdfTexts(sheet.rawPayload)).toEqual(
      expect.arrayContaining([
        'card 1 of 2',
        'card 2 of 2',
        `http://10.0.0.5:3000/kanban/cards/${loop.cards[0]!.id}`,
        `http://10.0.0.5:3000/kanban/cards/${loop.cards[1]!.id}`,
      ]),
    );

    const forged = await send('GET', `/api/v1/kanban/cards/${cardId}/label.pdf`, undefined, {
      host: 'evil"><x',
      cookie,
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.details[0]).toMatchObject({ field: 'Host' });
  });

  it('label.pdf prints LEANSTOCK_PUBLIC_URL when it is set', async () => {
    const loop = await seedLoop(1);
    process.env['LEANSTOCK_PUBLIC_URL'] = 'https://stock.example.com/plant-2/';
    const configured = await buildApp({ database: database(), clock: () => now });
    delete process.env['LEANSTOCK_PUBLIC_URL'];
    try {
      const cardId = loop.cards[0]!.id;
      const label = await configured.inject({ method: 'GET', url: `/api/v1/kanban/cards/${cardId}/label.pdf` });
      expect(pdfTexts(label.rawPayload)).toContain(`https://stock.example.com/plant-2/kanban/cards/${cardId}`);
    } finally {
      await configured.close();
    }
  });

  it('GET /kanban/cards/{id} is a self-contained phone page with the card and one big button', async () => {
    const loop = await seedLoop(3);
    const page = await send('GET', `/kanban/cards/${loop.cards[2]!.id.toLowerCase()}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
    const html = page.body;
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('<span>3 of 3</span>');
    expect(html).toContain('<h1 class="sku">BOLT</h1>');
    expect(html).toContain('50 pcs');
    expect(html).toContain('ACME (Acme)');
    expect(html).toContain(
      'id="signal" class="signal" type="button" autofocus><span class="nowrap">Container empty&nbsp;—</span> <span class="nowrap">order one</span></button>',
    );
    expect(html).toContain(`data-card-id="${loop.cards[2]!.id}"`);
    // Nothing is loaded from elsewhere.
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toContain('http');
  });

  it('escapes every value on the phone page, and answers an unknown card with a friendly 404 page', async () => {
    await database()
      .db.updateTable('items')
      .set({ name: '<img src=x onerror=alert(1)> & "quotes"', unit: '<b>' })
      .where('sku', '=', 'BOLT')
      .execute();
    const loop = await seedLoop(1);
    const html = (await send('GET', `/kanban/cards/${loop.cards[0]!.id}`)).body;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('data-unit="&lt;b&gt;"');

    const missing = await send('GET', '/kanban/cards/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(missing.body).toContain('Card not found');
    expect(missing.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(missing.body).not.toContain('<script>alert');
  });

  it('the phone page of a retired card says to take it out, without the button', async () => {
    const loop = await seedLoop(2);
    await send('PUT', '/api/v1/policies/BOLT/WS', { kind: 'kanban', cards: 1, container_quantity: 50 });
    const html = (await send('GET', `/kanban/cards/${loop.cards[1]!.id}`)).body;
    expect(html).toContain('This card was retired from its loop');
    expect(html).not.toContain('id="signal"');
  });
});

describe('public base of labels', () => {
  it('is LEANSTOCK_PUBLIC_URL without a trailing slash, else the protocol and Host of the request', () => {
    expect(publicUrlFromEnv({})).toBeUndefined();
    expect(publicUrlFromEnv({ LEANSTOCK_PUBLIC_URL: 'https://stock.example.com/' })).toBe('https://stock.example.com');
    expect(() => publicUrlFromEnv({ LEANSTOCK_PUBLIC_URL: 'stock.example.com' })).toThrow(/LEANSTOCK_PUBLIC_URL/);
    expect(() => publicUrlFromEnv({ LEANSTOCK_PUBLIC_URL: 'ftp://stock.example.com' })).toThrow(/http/);
    expect(publicBaseOf({ protocol: 'https', host: 'a.example:8443' }, undefined)).toBe('https://a.example:8443');
    expect(publicBaseOf({ protocol: 'http', host: '[::1]:3000' }, undefined)).toBe('http://[::1]:3000');
    expect(publicBaseOf({ protocol: 'http', host: 'x' }, 'https://configured')).toBe('https://configured');
    expect(() => publicBaseOf({ protocol: 'http', host: 'a b' }, undefined)).toThrow(/Host/);
  });

  it('HTML keeps only safe characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;',
    );
  });
});
