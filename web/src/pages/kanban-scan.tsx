import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { num } from '../format';
import { Link, useLocation, useTitle } from '../router';
import { Chip, Field, PageHeader } from '../ui';
import { type KanbanCard, STATE_LABEL, STATE_TONE } from './kanban';
import './kanban.css';

type TriggerOutcome = {
  kind: 'order_line' | 'below_reorder_point';
  purchase_order?: string;
  supplier?: string;
  quantity?: number;
  line_quantity?: number;
  cards?: number;
  reason: string;
  message?: string;
};

type KanbanSignal = KanbanCard & { already_signalled: boolean; triggered: TriggerOutcome[] };

/** The card id in what a QR code or a person gives: a card URL (`…/kanban/cards/K7M2Q9XD4TB`) or the bare id. */
export function cardIdOf(text: string): string | null {
  const trimmed = text.trim();
  const inUrl = /\/kanban\/cards\/([^/?#\s]+)/i.exec(trimmed);
  if (inUrl) return decodeURIComponent(inUrl[1]!);
  return /^K[0-9A-Z]{10}$/i.test(trimmed) ? trimmed.toUpperCase() : null;
}

/** A piece of a sentence; `keep` pieces (SKUs, order numbers) are not broken at their hyphens. */
type Piece = string | { keep: string };

/** What a signal did, in words: the order it went on, that it was already on one, or why nothing was ordered. */
export function describeSignal(answer: KanbanSignal): { tone: 'ok' | 'warn'; lines: Piece[][] } {
  const container = `${num(answer.loop.container_quantity)} ${answer.loop.unit}`;
  const lines: Piece[][] = [];
  let ordered = false;
  for (const outcome of answer.triggered) {
    if (outcome.kind === 'order_line') {
      ordered = true;
      const total =
        outcome.line_quantity !== undefined &&
        outcome.quantity !== undefined &&
        outcome.line_quantity > outcome.quantity
          ? ` (the line now holds ${num(outcome.line_quantity)} ${answer.loop.unit})`
          : '';
      lines.push([
        `Ordered ${outcome.cards ?? 1} × ${container} of `,
        { keep: answer.loop.sku },
        ' on ',
        { keep: outcome.purchase_order ?? '' },
        ` from ${outcome.supplier}${total}.`,
      ]);
    } else {
      lines.push([`Signalled, but not ordered: ${outcome.message ?? outcome.reason}.`]);
    }
  }
  if (lines.length === 0) {
    lines.push(
      !answer.already_signalled
        ? ['Signalled.']
        : answer.purchase_order
          ? ['Already signalled — on ', { keep: answer.purchase_order }, '. Nothing more was ordered.']
          : ['Already signalled — not on an order yet. Nothing more was ordered.'],
    );
  }
  return { tone: ordered || (answer.already_signalled && answer.purchase_order) ? 'ok' : 'warn', lines };
}

/** An API message without its leading field name: "id: card 3 was retired …" → "Card 3 was retired …". */
function sentence(message: string): string {
  const text = message.replace(/^[A-Za-z_][\w.[\]]*: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

type DetectedBarcode = { rawValue: string };
type BarcodeDetectorLike = { detect(source: HTMLVideoElement): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
};

function barcodeDetectorClass(): BarcodeDetectorClass | undefined {
  const candidate = (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  return candidate && typeof navigator.mediaDevices?.getUserMedia === 'function' ? candidate : undefined;
}

/** Whether this browser reads QR codes itself (BarcodeDetector with qr_code, and a camera API). */
function useQrSupport(): boolean | undefined {
  const [supported, setSupported] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    const Detector = barcodeDetectorClass();
    if (!Detector) {
      setSupported(false);
      return;
    }
    Detector.getSupportedFormats().then(
      (formats) => setSupported(formats.includes('qr_code')),
      () => setSupported(false),
    );
  }, []);
  return supported;
}

/** The camera with a QR reader on it: reports the first card id it sees, then stops the camera. */
function CameraScanner({ onCard, onStop }: { onCard: (id: string) => void; onStop: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [note, setNote] = useState('Point the camera at the QR code on the card.');
  // The latest callback, so that a new render of the page does not restart the camera.
  const report = useRef(onCard);
  report.current = onCard;
  useEffect(() => {
    const Detector = barcodeDetectorClass();
    if (!Detector) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const detector = new Detector({ formats: ['qr_code'] });
    const look = async () => {
      if (stopped || !video.current) return;
      try {
        const codes = video.current.readyState >= 2 ? await detector.detect(video.current) : [];
        for (const code of codes) {
          const id = cardIdOf(code.rawValue);
          if (id !== null) {
            stopped = true;
            report.current(id);
            return;
          }
          setNote('That QR code is not a Leanstock kanban card. Try the code on the card.');
        }
      } catch {
        // A frame the detector cannot read yet (the camera still starting): look again.
      }
      if (!stopped) timer = setTimeout(look, 250);
    };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(
      async (media) => {
        stream = media;
        if (stopped || !video.current) return;
        video.current.srcObject = media;
        await video.current.play().catch(() => undefined);
        look();
      },
      (error: Error) =>
        setProblem(
          error.name === 'NotAllowedError'
            ? 'The camera was not allowed. Allow it in the browser settings, or type the card id below.'
            : `The camera could not start (${error.message}). Type the card id below.`,
        ),
    );
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);
  return (
    <div className="scanner">
      {problem ? (
        <p className="kb-notice" role="alert">
          {problem}
        </p>
      ) : (
        <>
          <video ref={video} className="camera" muted playsInline aria-label="Camera picture" />
          <p className="muted" role="status">
            {note}
          </p>
        </>
      )}
      <button type="button" className="secondary" onClick={onStop}>
        Stop the camera
      </button>
    </div>
  );
}

/** `/kanban/scan`: read a card's QR code (or type its id), see the card, and signal its container empty. */
export function KanbanScan() {
  useTitle('Scan a kanban card');
  const { search } = useLocation();
  const qr = useQrSupport();
  const [camera, setCamera] = useState(false);
  const [typed, setTyped] = useState(search.get('card') ?? '');
  const [findError, setFindError] = useState<string | undefined>(undefined);
  const [finding, setFinding] = useState(false);
  const [card, setCard] = useState<KanbanCard | undefined>(undefined);
  const [signalling, setSignalling] = useState(false);
  const [signalError, setSignalError] = useState<string | undefined>(undefined);
  const [answer, setAnswer] = useState<KanbanSignal | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const signalButton = useRef<HTMLButtonElement>(null);
  const result = useRef<HTMLDivElement>(null);

  const find = async (id: string) => {
    setFinding(true);
    setFindError(undefined);
    try {
      setCard(await api<KanbanCard>(`/kanban/cards/${encodeURIComponent(id)}`));
      setAnswer(undefined);
      setSignalError(undefined);
    } catch (error) {
      setFindError(
        error instanceof ApiError
          ? sentence(error.forField('id') ? `No kanban card "${id}": check the whole id.` : error.message)
          : 'Could not reach the server. Check the connection and try again.',
      );
      input.current?.focus();
    } finally {
      setFinding(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a ?card= link opens its card once, on arrival
  useEffect(() => {
    const linked = search.get('card');
    if (linked) void find(cardIdOf(linked) ?? linked.trim());
  }, []);

  useEffect(() => {
    if (card && !answer) signalButton.current?.focus();
  }, [card, answer]);

  useEffect(() => {
    if (answer) result.current?.focus();
  }, [answer]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = cardIdOf(typed) ?? typed.trim();
    if (id === '') {
      setFindError('Type the card id (such as K7M2Q9XD4TB) or paste the card’s URL.');
      input.current?.focus();
      return;
    }
    void find(id);
  };

  const onCameraCard = (id: string) => {
    setCamera(false);
    setTyped(id);
    void find(id);
  };

  const signal = async () => {
    if (!card) return;
    setSignalling(true);
    setSignalError(undefined);
    try {
      const signalled = await api<KanbanSignal>(`/kanban/cards/${encodeURIComponent(card.id)}/signal`, {
        method: 'POST',
      });
      setCard(signalled);
      setAnswer(signalled);
    } catch (error) {
      setSignalError(
        error instanceof ApiError
          ? `${sentence(error.message)}`
          : 'Could not reach the server. Check the connection and press again; a card is never ordered twice.',
      );
      signalButton.current?.focus();
    } finally {
      setSignalling(false);
    }
  };

  const next = () => {
    setCard(undefined);
    setAnswer(undefined);
    setSignalError(undefined);
    setTyped('');
    setTimeout(() => input.current?.focus(), 0);
  };

  const described = answer ? describeSignal(answer) : undefined;

  return (
    <div className="scan-page">
      <p className="kb-crumbs">
        <Link href="/kanban">Kanban</Link> /
      </p>
      <PageHeader title="Scan a card" subtitle="When you empty a container, scan its card: one container is ordered." />

      {card === undefined && (
        <section className="card scan-input" aria-label="Find the card">
          {qr === true && !camera && (
            <button type="button" className="kb-big" onClick={() => setCamera(true)}>
              Scan the QR code with the camera
            </button>
          )}
          {qr === true && camera && <CameraScanner onCard={onCameraCard} onStop={() => setCamera(false)} />}
          {qr === false && (
            <p className="muted">
              This browser cannot read QR codes by itself. Scan the card with the phone’s camera app (it opens the
              card’s page), or type the id printed under the QR code.
            </p>
          )}
          <form onSubmit={submit} noValidate>
            <Field
              label="Card id or URL"
              error={findError}
              hint="Printed on the label under the QR code, e.g. K7M2Q9XD4TB"
            >
              {(props) => (
                <input
                  {...props}
                  ref={input}
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  autoCapitalize="characters"
                  autoComplete="off"
                  spellCheck={false}
                  inputMode="text"
                />
              )}
            </Field>
            <button type="submit" disabled={finding}>
              {finding ? 'Finding…' : 'Find the card'}
            </button>
          </form>
        </section>
      )}

      {card !== undefined && (
        <section className="card scanned" aria-label={`Card ${card.number} of ${card.loop.cards}`}>
          <p className="scanned-sku">
            <strong>{card.loop.sku}</strong> {card.loop.item_name}
          </p>
          <dl className="scanned-facts">
            <dt>Location</dt>
            <dd>
              {card.loop.location} — {card.loop.location_name}
            </dd>
            <dt>Container</dt>
            <dd>
              {num(card.loop.container_quantity)} {card.loop.unit}
            </dd>
            <dt>Card</dt>
            <dd>
              {card.number} of {card.loop.cards} · <code>{card.id}</code>
            </dd>
            <dt>Orders from</dt>
            <dd>
              {card.loop.orders_from ? `${card.loop.orders_from.code} (${card.loop.orders_from.name})` : 'nobody yet'}
            </dd>
            <dt>State</dt>
            <dd>
              <Chip tone={STATE_TONE[card.state]}>{STATE_LABEL[card.state]}</Chip>
              {card.purchase_order && <> on {card.purchase_order}</>}
            </dd>
          </dl>
          {!card.active && (
            <p className="kb-notice" role="note">
              This card was retired from its loop: take it out of circulation.
            </p>
          )}
          {answer === undefined && (
            <>
              {card.state !== 'full' && card.active && (
                <p className="muted">
                  This card is already signalled{card.purchase_order ? ` and on ${card.purchase_order}` : ''}; pressing
                  again orders nothing more.
                </p>
              )}
              <button type="button" className="kb-big" ref={signalButton} disabled={signalling} onClick={signal}>
                {signalling ? 'Ordering…' : 'Container empty — order one'}
              </button>
              {signalError && (
                <p className="field-error" role="alert">
                  {signalError}
                </p>
              )}
            </>
          )}
          {described && (
            <div className={`scan-result tone-${described.tone}`} role="status" tabIndex={-1} ref={result}>
              {described.lines.map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one answer never move
                <p key={i}>
                  {line.map((piece, j) =>
                    typeof piece === 'string' ? (
                      piece
                    ) : (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one line never move
                      <span key={j} className="kb-nowrap">
                        {piece.keep}
                      </span>
                    ),
                  )}
                </p>
              ))}
            </div>
          )}
          <div className="scan-actions">
            <button type="button" className={answer ? 'kb-big' : 'secondary'} onClick={next}>
              {answer ? 'Scan the next card' : 'Another card'}
            </button>
            <Link href={`/kanban/loops/${card.loop.id}`}>
              Loop of {card.loop.sku} at {card.loop.location}
            </Link>
          </div>
        </section>
      )}
    </div>
  );
}
