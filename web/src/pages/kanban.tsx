import { useState } from 'react';
import type { Page } from '../api';
import { dateTime, num } from '../format';
import { Link, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, ScrollRegion, Stat, type Tone } from '../ui';
import { useApi } from '../use-api';
import './kanban.css';

export type CardState = 'full' | 'empty' | 'ordered' | 'in_transit';

export type KanbanCardSummary = {
  id: string;
  number: number;
  state: CardState;
  active: boolean;
  purchase_order: string | null;
  signalled_at: string | null;
  signalled_by: string | null;
  updated_at: string;
};

type LoopFields = {
  id: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  location_name: string;
  supplier: string | null;
  orders_from: { code: string; name: string } | null;
  container_quantity: number;
  active: boolean;
};

export type KanbanLoop = LoopFields & { cards: KanbanCardSummary[]; retired_cards: KanbanCardSummary[] };

/** A card as GET /kanban/cards/{id} answers it: the card with its loop, `cards` being N of "card n of N". */
export type KanbanCard = KanbanCardSummary & { loop: LoopFields & { cards: number } };

const STATES: CardState[] = ['full', 'ordered', 'in_transit', 'empty'];

export const STATE_LABEL: Record<CardState, string> = {
  full: 'Full',
  empty: 'Empty, not ordered',
  ordered: 'Ordered',
  in_transit: 'In transit',
};

export const STATE_TONE: Record<CardState, Tone> = { full: 'ok', empty: 'bad', ordered: 'warn', in_transit: 'info' };

/** How many cards of a loop are in each state. */
function countByState(cards: KanbanCardSummary[]): Record<CardState, number> {
  const counts: Record<CardState, number> = { full: 0, empty: 0, ordered: 0, in_transit: 0 };
  for (const card of cards) counts[card.state] += 1;
  return counts;
}

/** The cards of a loop as numbered squares coloured by state, with the counts in words for screen readers. */
function CardPips({ cards }: { cards: KanbanCardSummary[] }) {
  return (
    <ol className="pips" aria-label="Cards by number">
      {cards.map((card) => (
        <li key={card.id} className={`pip pip-${card.state}`} title={`Card ${card.number}: ${STATE_LABEL[card.state]}`}>
          <span aria-hidden="true">{card.number}</span>
          <span className="sr-only">
            Card {card.number}: {STATE_LABEL[card.state]}
          </span>
        </li>
      ))}
    </ol>
  );
}

function StateCounts({ cards }: { cards: KanbanCardSummary[] }) {
  const counts = countByState(cards);
  return (
    <p className="state-counts">
      {STATES.filter((state) => counts[state] > 0 || state === 'full').map((state) => (
        <Chip key={state} tone={counts[state] > 0 ? STATE_TONE[state] : 'neutral'}>
          {counts[state]} {STATE_LABEL[state].toLowerCase()}
        </Chip>
      ))}
    </p>
  );
}

function containerText(loop: LoopFields): string {
  return `${num(loop.container_quantity)} ${loop.unit}`;
}

/** `/kanban`: every loop with its cards by state, and the totals over the active loops. */
export function KanbanLoops() {
  useTitle('Kanban');
  const loops = useApi<Page<KanbanLoop>>('/kanban/loops?limit=1000');
  const [text, setText] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const all = loops.data?.data ?? [];
  const active = all.filter((loop) => loop.active);
  const totals = countByState(active.flatMap((loop) => loop.cards));
  const needle = text.trim().toLowerCase();
  const shown = all.filter(
    (loop) =>
      (showInactive || loop.active) &&
      (needle === '' ||
        [loop.sku, loop.item_name, loop.location, loop.location_name, loop.orders_from?.code ?? ''].some((v) =>
          v.toLowerCase().includes(needle),
        )),
  );
  const inactiveCount = all.length - active.length;

  return (
    <>
      <PageHeader
        title="Kanban"
        subtitle="Loops that refill one item at one location with a fixed number of containers. When a container is empty, scan its card and one container is ordered."
        actions={
          <Link className="button" href="/kanban/scan">
            Scan a card
          </Link>
        }
      />
      <ErrorNote error={loops.error} />
      {loops.loading && <Loading what="Loading loops" />}
      {loops.data && (
        <div className="stats kb-stats">
          <Stat
            label="Active loops"
            value={num(active.length)}
            note={`${num(totals.full + totals.empty + totals.ordered + totals.in_transit)} cards in circulation`}
          />
          <Stat label="Full" value={num(totals.full)} note="containers on the shelf" tone="ok" />
          <Stat
            label="On the way"
            value={num(totals.ordered + totals.in_transit)}
            note={`${num(totals.ordered)} ordered, ${num(totals.in_transit)} in transit`}
          />
          <Stat
            label="Empty, not ordered"
            value={num(totals.empty)}
            note={totals.empty > 0 ? 'no usable supplier: see the loop' : 'every empty container is on order'}
            tone={totals.empty > 0 ? 'bad' : 'ok'}
          />
        </div>
      )}
      {loops.data && all.length === 0 && (
        <Empty title="No kanban loops yet.">
          Give an item a kanban policy at a location (kind kanban, number of cards, container quantity): its loop
          appears here with its cards, ready to print.
        </Empty>
      )}
      {all.length > 0 && (
        <div className="loop-filters">
          <Field label="Find a loop" hint="SKU, item name, location or supplier">
            {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
          {inactiveCount > 0 && (
            <label className="kb-check">
              <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} /> Show{' '}
              {inactiveCount} inactive {inactiveCount === 1 ? 'loop' : 'loops'}
            </label>
          )}
        </div>
      )}
      {all.length > 0 && shown.length === 0 && (
        <Empty title="No loop matches.">Clear the search to see every loop.</Empty>
      )}
      <ul className="kb-loops">
        {shown.map((loop) => (
          <li key={loop.id} className={`kb-loop ${loop.active ? '' : 'kb-inactive'}`}>
            <h2>
              <Link href={`/kanban/loops/${loop.id}`}>
                {loop.sku} <span className="muted">at</span> {loop.location}
              </Link>
              {!loop.active && <Chip>inactive</Chip>}
            </h2>
            <p className="loop-name">{loop.item_name}</p>
            <p className="muted loop-meta">
              {loop.cards.length} × {containerText(loop)} ·{' '}
              {loop.orders_from ? `from ${loop.orders_from.code}` : 'no usable supplier'}
            </p>
            <CardPips cards={loop.cards} />
            <StateCounts cards={loop.cards} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** `/kanban/loops/:id`: one loop, its cards with their orders, its labels to print and its retired cards. */
export function KanbanLoopPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const loop = useApi<KanbanLoop>(`/kanban/loops/${encodeURIComponent(id)}`);
  const data = loop.data;
  useTitle(data ? `Kanban ${data.sku} at ${data.location}` : 'Kanban loop');
  const labelsUrl = `/api/v1/kanban/loops/${encodeURIComponent(id)}/labels.pdf`;
  return (
    <>
      <p className="kb-crumbs">
        <Link href="/kanban">Kanban</Link> /
      </p>
      <PageHeader
        title={data ? `${data.sku} at ${data.location}` : 'Kanban loop'}
        subtitle={data ? `${data.item_name} · ${data.location_name}` : undefined}
        actions={
          data && (
            <>
              <a className="button" href={labelsUrl} target="_blank" rel="noopener">
                Print labels (PDF)
              </a>
              <Link className="button secondary" href="/kanban/scan">
                Scan a card
              </Link>
            </>
          )
        }
      />
      <ErrorNote error={loop.error} />
      {loop.loading && <Loading what="Loading the loop" />}
      {data && (
        <>
          {!data.active && (
            <p className="kb-notice" role="note">
              This loop is inactive: the item's policy at {data.location} is no longer kanban, and its cards are
              retired. Set a kanban policy again to bring the same cards back.
            </p>
          )}
          <div className="stats kb-stats">
            <Stat label="Container" value={containerText(data)} note={`${data.cards.length} cards in circulation`} />
            <Stat
              label="Orders from"
              value={data.orders_from?.code ?? 'nobody'}
              note={
                data.orders_from
                  ? `${data.orders_from.name}${data.supplier === null ? ' (preferred source)' : ''}`
                  : 'no usable supplier: add a source'
              }
              tone={data.orders_from ? undefined : 'bad'}
            />
            <Stat
              label="Loop capacity"
              value={`${num(data.container_quantity * data.cards.length)} ${data.unit}`}
              note="on the shelf and on order together, at most"
            />
          </div>
          <Card title="Cards" actions={<StateCounts cards={data.cards} />}>
            <CardPips cards={data.cards} />
            <CardTable cards={data.cards} total={data.cards.length} />
            <p className="muted kb-small">
              Labels are 105 × 74 mm, eight to an A4 sheet; each QR code opens the card's phone page. Reprint them when
              the number of cards changes ("card n of N").
            </p>
          </Card>
          {data.retired_cards.length > 0 && (
            <Card title="Retired cards">
              <p className="muted">
                Take these cards out of circulation. A retired card still on an order comes back with its container, but
                is never ordered again.
              </p>
              <CardTable cards={data.retired_cards} total={data.cards.length} retired />
            </Card>
          )}
          <p>
            <Link href={`/items/${encodeURIComponent(data.sku)}`}>Item {data.sku}</Link>
          </p>
        </>
      )}
    </>
  );
}

function CardTable({
  cards,
  total,
  retired = false,
}: {
  cards: KanbanCardSummary[];
  total: number;
  retired?: boolean;
}) {
  return (
    <ScrollRegion label="Table">
      <table>
        <caption className="sr-only">{retired ? 'Retired cards' : 'Cards'}</caption>
        <thead>
          <tr>
            <th>Card</th>
            <th>State</th>
            <th>On order</th>
            <th>Signalled</th>
            <th>Id</th>
            <th>Label</th>
          </tr>
        </thead>
        <tbody>
          {cards.map((card) => (
            <tr key={card.id}>
              <td>{retired ? `Card ${card.number}` : `${card.number} of ${total}`}</td>
              <td>
                <Chip tone={STATE_TONE[card.state]}>{STATE_LABEL[card.state]}</Chip>
              </td>
              <td>
                {card.purchase_order ? (
                  <Link href={`/purchase-orders/${encodeURIComponent(card.purchase_order)}`}>
                    {card.purchase_order}
                  </Link>
                ) : (
                  '–'
                )}
              </td>
              <td>
                {card.signalled_at
                  ? `${dateTime(card.signalled_at)}${card.signalled_by ? ` by ${card.signalled_by}` : ''}`
                  : '–'}
              </td>
              <td>
                <a href={`/kanban/cards/${encodeURIComponent(card.id)}`}>
                  <code>{card.id}</code>
                </a>
              </td>
              <td>
                <a
                  href={`/api/v1/kanban/cards/${encodeURIComponent(card.id)}/label.pdf`}
                  target="_blank"
                  rel="noopener"
                >
                  PDF<span className="sr-only"> label of card {card.number}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
