import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { dispatchOnce } from '../../services/events/dispatcher.js';
import { openDatabase, writeTransaction } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock webhook and events', () => {
  let dir: string;
  let db: string;
  let receiver: WebhookReceiver | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-webhook-cli-'));
    db = join(dir, 'cli.db');
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  async function withDb<T>(work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  }
  const append = (events: NewEvent[]) =>
    withDb((database) => writeTransaction(database, (tx) => appendEvents(tx, events, now)));

  it('adds, lists, tests, shows deliveries of and removes webhooks', async () => {
    receiver = await startWebhookReceiver(() => 200);
    expect((await cli('webhook', 'list')).stdout).toContain('No webhooks yet. Add one with: leanstock webhook add');

    const added = await cli(
      'webhook',
      'add',
      receiver.url,
      '--events',
      'purchase_order.*, movement.posted',
      '--secret',
      'whsec_cli_secret_0001',
      '--description',
      'ERP',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain(`Added webhook 1: ${receiver.url} for purchase_order.*, movement.posted.`);
    expect(added.stdout).toContain('whsec_cli_secret_0001');

    const json = JSON.parse(
      (await cli('webhook', 'add', receiver.url, '--events', '*', '--inactive', '--json')).stdout,
    );
    expect(json).toMatchObject({ id: 2, active: false, events: ['*'], secret: expect.stringMatching(/^whsec_/) });

    const list = await cli('webhook', 'list');
    expect(list.stdout).toMatch(
      /1\s+http:\/\/127\.0\.0\.1:\d+\/hooks\s+purchase_order\.\*,movement\.posted\s+yes\s+ERP/,
    );
    expect(list.stdout).toMatch(/2\s+\S+\s+\*\s+no/);
    expect(JSON.parse((await cli('webhook', 'list', '--json')).stdout).data).toHaveLength(2);

    const tested = await cli('webhook', 'test', '1');
    expect(tested).toMatchObject({ code: 0, stdout: 'Delivered: the receiver answered 200.\n' });

    await append([{ type: 'purchase_order.sent', subject: 'PO-1', payload: { id: 1 } }]);
    await withDb((database) => dispatchOnce(database, { now }));
    const deliveries = await cli('webhook', 'deliveries', '1');
    expect(deliveries.stdout).toMatch(/purchase_order\.sent\s+delivered\s+1\s+HTTP 200/);
    expect(deliveries.stdout).toMatch(/webhook\.test\s+delivered\s+1\s+HTTP 200/);
    const failed = JSON.parse((await cli('webhook', 'deliveries', '1', '--status', 'failed', '--json')).stdout);
    expect(failed).toEqual({ data: [], next_cursor: null });
    expect(receiver.requests.map((r) => r.headers['leanstock-event'])).toEqual(['webhook.test', 'purchase_order.sent']);

    expect(await cli('webhook', 'remove', '1')).toMatchObject({
      code: 0,
      stdout: `Removed webhook 1 (${receiver.url}).\n`,
    });
    const again = await cli('webhook', 'remove', '1');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('LS_UNKNOWN_WEBHOOK');
    expect(again.stderr).toContain('id: no such webhook');
  });

  it('refuses a bad URL or an unknown event type naming the field, exit 2, nothing added', async () => {
    const url = await cli('webhook', 'add', 'ftp://example.com/x', '--events', '*');
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('url: must be an http:// or https:// URL');
    const events = await cli('webhook', 'add', 'https://example.com/x', '--events', 'purchase_order.lost');
    expect(events.code).toBe(2);
    expect(events.stderr).toContain('events: unknown event type "purchase_order.lost"');
    expect(JSON.parse((await cli('webhook', 'list', '--json')).stdout).data).toEqual([]);
  });

  it('lists events after an id and by type, as text and JSON', async () => {
    await append([
      { type: 'purchase_order.drafted', subject: 'PO-1', payload: { id: 1 } },
      { type: 'movement.posted', subject: 'BOLT@WS', payload: { count: 1 } },
      { type: 'purchase_order.sent', subject: 'PO-1', payload: { id: 1 } },
    ]);
    const all = await cli('events');
    expect(all.stdout.trim().split('\n')).toEqual([
      '#1  2026-06-01T12:00:00.000Z  purchase_order.drafted  PO-1  {"id":1}',
      '#2  2026-06-01T12:00:00.000Z  movement.posted  BOLT@WS  {"count":1}',
      '#3  2026-06-01T12:00:00.000Z  purchase_order.sent  PO-1  {"id":1}',
    ]);
    const page = JSON.parse((await cli('events', '--after', '1', '--type', 'purchase_order.*', '--json')).stdout);
    expect(page).toMatchObject({ data: [{ id: 3, type: 'purchase_order.sent' }], next_cursor: null });
    expect((await cli('events', '--limit', '1')).stdout).toContain('More: leanstock events --after 1');
    const bad = await cli('events', '--type', 'Purchase Orders');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('type:');
  });

  it('--follow prints events as they are recorded and stops after --count', async () => {
    await append([{ type: 'purchase_order.drafted', subject: 'PO-1', payload: { id: 1 } }]);
    const following = cli('events', '--follow', '--after', '1', '--type', 'purchase_order.*', '--count', '2', '--json');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await append([{ type: 'movement.posted', subject: 'BOLT@WS', payload: { count: 1 } }]);
    await append([{ type: 'purchase_order.sent', subject: 'PO-1', payload: { id: 1 } }]);
    await append([{ type: 'purchase_order.confirmed', subject: 'PO-1', payload: { id: 1 } }]);
    await append([{ type: 'purchase_order.received', subject: 'PO-1', payload: { id: 1 } }]);
    const result = await following;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; type: string });
    expect(lines.map((e) => [e.id, e.type])).toEqual([
      [3, 'purchase_order.sent'],
      [4, 'purchase_order.confirmed'],
    ]);
  });
});
