import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, api, type Page } from '../api';
import { dateTime } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader } from '../ui';
import { useApi } from '../use-api';
import { type SimulationReport, SimulationResult } from './simulation-result';
import './strategy.css';
import './simulation.css';

type Scenario = Record<string, unknown>;

export type Job = {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  scenario_name: string | null;
  scenario: Scenario;
  created_at: string;
  finished_at: string | null;
  error: string | null;
  result?: SimulationReport;
};

type Supplier = { code: string; name: string };
type SavedSummary = { name: string; description: string | null; updated_at: string };

type Form = {
  name: string;
  horizon_days: string;
  runs: string;
  seed: string;
  demand_model: string;
  block_days: string;
  distribution: string;
  outage_supplier: string;
  outage_from: string;
  outage_days: string;
  lt_factor: string;
  lt_supplier: string;
  lt_from: string;
  lt_days: string;
  df_factor: string;
  df_from: string;
  df_days: string;
  current: boolean;
  lean: boolean;
  buffered: boolean;
  extra_days: string;
  floor_measure: string;
  floor_level: string;
};

const EMPTY: Form = {
  name: 'what-if',
  horizon_days: '180',
  runs: '200',
  seed: '42',
  demand_model: 'bootstrap',
  block_days: '7',
  distribution: 'auto',
  outage_supplier: '',
  outage_from: '',
  outage_days: '',
  lt_factor: '',
  lt_supplier: '',
  lt_from: '',
  lt_days: '',
  df_factor: '',
  df_from: '',
  df_days: '',
  current: true,
  lean: true,
  buffered: true,
  extra_days: '14',
  floor_measure: 'fill_rate',
  floor_level: '95',
};

/** A typed number as a number; anything else as typed, so that the API names the field and says what it must be. */
function value(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

const asList = (v: unknown): Scenario[] => (Array.isArray(v) ? (v as Scenario[]) : []);

/** The variants the form lists, in the scenario's order, with the index of each in `policies`. */
function policiesOf(form: Form, base: Scenario | null): unknown[] {
  const chosen: unknown[] = [];
  if (form.current) chosen.push('current');
  if (form.lean) chosen.push('lean');
  if (form.buffered) {
    const extra = value(form.extra_days);
    chosen.push(extra === undefined ? 'buffered' : { name: 'buffered', extra_days: extra });
  }
  const others = asList(base?.['policies']).filter(
    (p) => typeof p === 'object' && p !== null && !['current', 'lean', 'buffered'].includes(String(p['name'])),
  );
  return [...chosen, ...others];
}

/** The scenario the form describes, on top of a loaded saved scenario (its items, lead times and costs kept). */
function scenarioOf(form: Form, base: Scenario | null): Scenario {
  const baseDisruptions = (base?.['disruptions'] ?? {}) as Scenario;
  const outage =
    form.outage_supplier || form.outage_from || form.outage_days
      ? [
          defined({
            supplier: form.outage_supplier || undefined,
            from_day: value(form.outage_from),
            days: value(form.outage_days),
          }),
        ]
      : [];
  const ltFactor =
    form.lt_factor || form.lt_from || form.lt_days
      ? [
          defined({
            supplier: form.lt_supplier || undefined,
            from_day: value(form.lt_from),
            days: value(form.lt_days),
            factor: value(form.lt_factor),
          }),
        ]
      : [];
  const dFactor =
    form.df_factor || form.df_from || form.df_days
      ? [defined({ from_day: value(form.df_from), days: value(form.df_days), factor: value(form.df_factor) })]
      : [];
  const demand =
    form.demand_model === 'bootstrap'
      ? defined({ model: 'bootstrap', block_days: value(form.block_days) })
      : form.demand_model === 'parametric'
        ? { ...(base?.['demand'] as Scenario | undefined), model: 'parametric', distribution: form.distribution }
        : { model: form.demand_model };
  const level = value(form.floor_level);
  return {
    ...(base ?? {}),
    ...defined({
      name: form.name.trim() || undefined,
      horizon_days: value(form.horizon_days),
      runs: value(form.runs),
      seed: value(form.seed),
    }),
    demand,
    disruptions: {
      outages: [...outage, ...asList(baseDisruptions['outages']).slice(1)],
      lead_time_factors: [...ltFactor, ...asList(baseDisruptions['lead_time_factors']).slice(1)],
      demand_factors: [...dFactor, ...asList(baseDisruptions['demand_factors']).slice(1)],
    },
    policies: policiesOf(form, base),
    service_floor: { measure: form.floor_measure, level: typeof level === 'number' ? level / 100 : level },
  };
}

/** The form filled from a saved scenario (its canonical form, every default written out). */
function formOf(s: Scenario): Form {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const demand = (s['demand'] ?? {}) as Scenario;
  const d = (s['disruptions'] ?? {}) as Scenario;
  const outage = asList(d['outages'])[0] ?? {};
  const lt = asList(d['lead_time_factors'])[0] ?? {};
  const df = asList(d['demand_factors'])[0] ?? {};
  const policies = asList(s['policies']);
  const named = (name: string) =>
    policies.find((p) => (typeof p === 'string' ? p === name : p['name'] === name)) as Scenario | string | undefined;
  const buffered = named('buffered');
  const floor = (s['service_floor'] ?? {}) as Scenario;
  return {
    name: text(s['name']),
    horizon_days: text(s['horizon_days']),
    runs: text(s['runs']),
    seed: text(s['seed']),
    demand_model: text(demand['model']) || 'bootstrap',
    block_days: text(demand['block_days']) || '7',
    distribution: text(demand['distribution']) || 'auto',
    outage_supplier: text(outage['supplier']),
    outage_from: text(outage['from_day']),
    outage_days: text(outage['days']),
    lt_factor: text(lt['factor']),
    lt_supplier: text(lt['supplier']),
    lt_from: text(lt['from_day']),
    lt_days: text(lt['days']),
    df_factor: text(df['factor']),
    df_from: text(df['from_day']),
    df_days: text(df['days']),
    current: named('current') !== undefined,
    lean: named('lean') !== undefined,
    buffered: buffered !== undefined,
    extra_days:
      typeof buffered === 'object' && buffered['extra_days'] !== undefined ? text(buffered['extra_days']) : '',
    floor_measure: text(floor['measure']) || 'fill_rate',
    floor_level: typeof floor['level'] === 'number' ? String(Number((floor['level'] * 100).toFixed(4))) : '95',
  };
}

/** A failed job's error (`LS_VALIDATION: field: message`) as the API error it was, to show it at the field. */
function jobError(job: Job): ApiError | undefined {
  if (job.status !== 'failed' || !job.error) return undefined;
  const m = /^(LS_[A-Z_]+): ([\w.[\]]+): (.*)$/s.exec(job.error);
  if (m) return new ApiError(400, m[1]!, `${m[2]}: ${m[3]}`, [{ field: m[2]!, message: m[3]! }]);
  return new ApiError(500, 'LS_JOB_FAILED', `The simulation failed: ${job.error}`, []);
}

function ProgressBar({ job }: { job: Job }) {
  const pct = Math.round(job.progress * 100);
  return (
    <div className="sim-progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Simulation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${job.status === 'queued' ? 'Queued' : 'Running'}, ${pct} %`}
      >
        <span className="progress-fill" style={{ width: `${Math.max(2, pct)}%` }} />
      </div>
      <p className="muted small">
        {job.status === 'queued'
          ? 'Waiting for the simulation to start…'
          : `Simulating… ${pct} % of the item-runs done.`}
      </p>
    </div>
  );
}

function Fieldset({ legend, children, error }: { legend: string; children: ReactNode; error?: string | undefined }) {
  return (
    <fieldset className={`sim-fieldset ${error ? 'has-error' : ''}`}>
      <legend>{legend}</legend>
      {children}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

export function SimulationPage() {
  useTitle('Simulation');
  const { search } = useLocation();
  const jobParam = search.get('job');
  const jobId = jobParam && /^\d+$/.test(jobParam) ? Number(jobParam) : null;
  const suppliers = useApi<Page<Supplier>>('/suppliers?limit=200');
  const saved = useApi<Page<SavedSummary>>('/simulation-scenarios?limit=100');
  const recent = useApi<Page<Job>>('/simulations?limit=8');
  const [form, setForm] = useState<Form>(EMPTY);
  const [base, setBase] = useState<Scenario | null>(null);
  const [pickedSaved, setPickedSaved] = useState('');
  const [error, setError] = useState<ApiError | Error>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [job, setJob] = useState<Job>();
  const [jobLoadError, setJobLoadError] = useState<Error>();

  // Poll the job until it is done or failed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recent.reload is stable
  useEffect(() => {
    if (jobId === null) {
      setJob(undefined);
      return;
    }
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api<Job>(`/simulations/${jobId}`);
        if (cancelled) return;
        setJob(next);
        setJobLoadError(undefined);
        if (next.status === 'queued' || next.status === 'running') timer = setTimeout(poll, 400);
        else recent.reload();
      } catch (e) {
        if (!cancelled) setJobLoadError(e as Error);
      }
    };
    void poll();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [jobId]);

  const failed = job ? jobError(job) : undefined;
  const shown = error ?? failed;
  const apiError = shown instanceof ApiError ? shown : undefined;
  const at = (field: string) => apiError?.forField(field);
  const variants = policiesOf(form, base);
  const bufferedIndex = variants.findIndex((p) => p === 'buffered' || (p as Scenario)['name'] === 'buffered');
  const shownFields = [
    'name',
    'horizon_days',
    'runs',
    'seed',
    'demand',
    'disruptions.outages[0]',
    'disruptions.lead_time_factors[0]',
    'disruptions.demand_factors[0]',
    'policies',
    'service_floor',
  ];
  const elsewhere = apiError?.details.filter(
    (d) => !shownFields.some((f) => d.field === f || d.field.startsWith(`${f}.`) || d.field.startsWith(`${f}[`)),
  );

  const set =
    <K extends keyof Form>(key: K) =>
    (v: Form[K]) =>
      setForm((f) => ({ ...f, [key]: v }));
  const input = (key: keyof Form, label: string, options: { hint?: string; error?: string; type?: string } = {}) => (
    <Field label={label} error={options.error} {...(options.hint !== undefined && { hint: options.hint })}>
      {(props) => (
        <input
          {...props}
          type={options.type ?? 'text'}
          inputMode={options.type === undefined ? 'decimal' : undefined}
          value={form[key] as string}
          onChange={(e) => set(key)(e.target.value as never)}
        />
      )}
    </Field>
  );
  const supplierSelect = (key: 'outage_supplier' | 'lt_supplier', label: string, none: string, err?: string) => (
    <Field label={label} error={err}>
      {(props) => (
        <select {...props} value={form[key]} onChange={(e) => set(key)(e.target.value)}>
          <option value="">{none}</option>
          {suppliers.data?.data.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code} · {s.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice('');
    try {
      const created = await api<Job>('/simulations', { method: 'POST', body: { scenario: scenarioOf(form, base) } });
      setJob(created);
      navigate(`/simulation?job=${created.id}`, { replace: true });
      recent.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const runSaved = async () => {
    if (!pickedSaved) return;
    setBusy(true);
    setError(undefined);
    setNotice('');
    try {
      const created = await api<Job>('/simulations', { method: 'POST', body: { scenario_name: pickedSaved } });
      setJob(created);
      navigate(`/simulation?job=${created.id}`, { replace: true });
      recent.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const loadSaved = async () => {
    if (!pickedSaved) return;
    setError(undefined);
    try {
      const s = await api<{ scenario: Scenario }>(`/simulation-scenarios/${encodeURIComponent(pickedSaved)}`);
      setBase(s.scenario);
      setForm(formOf(s.scenario));
      setNotice(`Loaded ${pickedSaved} into the form. Change what you like and run it.`);
    } catch (e) {
      setError(e as Error);
    }
  };

  const save = async () => {
    setError(undefined);
    setNotice('');
    const name = form.name.trim();
    if (!name) {
      setError(
        new ApiError(400, 'LS_VALIDATION', 'name: is required to save', [
          { field: 'name', message: 'is required to save' },
        ]),
      );
      return;
    }
    try {
      await api(`/simulation-scenarios/${encodeURIComponent(name)}`, { method: 'PUT', body: scenarioOf(form, base) });
      setNotice(`Saved as ${name}. Pick it from the saved scenarios to run it again.`);
      saved.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  const running = job && (job.status === 'queued' || job.status === 'running');

  return (
    <>
      <PageHeader
        title="Simulation"
        subtitle="What happens on the bad day? Run JIT (lean) against just-in-case (buffered) through a disruption, many times over, and compare cost and service"
      />
      <div className="sim-layout">
        <div className="sim-side">
          <Card title="Saved scenarios">
            <ErrorNote error={saved.error} />
            {saved.data && saved.data.data.length === 0 && (
              <p className="muted small">
                None saved yet. Fill in the form and choose “Save as scenario” to reuse it, or save a file with{' '}
                <code>leanstock scenarios save</code>.
              </p>
            )}
            {saved.data && saved.data.data.length > 0 && (
              <>
                <Field label="Scenario">
                  {(props) => (
                    <select {...props} value={pickedSaved} onChange={(e) => setPickedSaved(e.target.value)}>
                      <option value="">Choose…</option>
                      {saved.data!.data.map((s) => (
                        <option key={s.name} value={s.name}>
                          {s.name}
                          {s.description ? ` — ${s.description}` : ''}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <div className="actions">
                  <button type="button" className="secondary" onClick={loadSaved} disabled={!pickedSaved}>
                    Load into the form
                  </button>
                  <button type="button" onClick={runSaved} disabled={!pickedSaved || busy || running}>
                    Run as saved
                  </button>
                </div>
              </>
            )}
          </Card>
          <Card title="Recent runs">
            <ErrorNote error={recent.error} />
            {recent.data && recent.data.data.length === 0 && <p className="muted small">No simulation has run yet.</p>}
            <ul className="list">
              {recent.data?.data.map((j) => (
                <li key={j.id}>
                  <Link href={`/simulation?job=${j.id}`} aria-current={j.id === jobId ? 'true' : undefined}>
                    #{j.id} {j.scenario_name ?? String(j.scenario['name'] ?? 'scenario')}
                  </Link>{' '}
                  <Chip tone={j.status === 'done' ? 'ok' : j.status === 'failed' ? 'bad' : 'info'}>{j.status}</Chip>
                  <div className="muted small">{dateTime(j.created_at)}</div>
                </li>
              ))}
            </ul>
          </Card>
        </div>

        <div className="sim-main">
          <form className="card sim-form" onSubmit={submit} noValidate aria-labelledby="scenario-heading">
            <div className="card-head">
              <h2 id="scenario-heading">Scenario</h2>
            </div>
            {shown && (
              <div className="error-note" role="alert">
                <strong>
                  {apiError && apiError.details.length > 0
                    ? apiError.details.length === 1
                      ? `The scenario was refused: ${apiError.message}`
                      : `The scenario was refused: ${apiError.details.length} problems, marked at their fields.`
                    : shown.message}
                </strong>
                {elsewhere && elsewhere.length > 0 && apiError && apiError.details.length > 1 && (
                  <ul>
                    {elsewhere.map((d) => (
                      <li key={`${d.field}:${d.message}`}>
                        {d.field}: {d.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {notice && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
            <div className="form-row">
              {input('name', 'Name', { error: at('name'), type: 'text', hint: 'Letters, digits, . - _' })}
              {input('horizon_days', 'Horizon (days)', { error: at('horizon_days'), hint: 'Day 0 is tomorrow' })}
              {input('runs', 'Runs', { error: at('runs'), hint: 'More runs, steadier answers' })}
              {input('seed', 'Seed', { error: at('seed'), hint: 'Same seed, same result' })}
            </div>
            <div className="form-row">
              <Field
                label="Demand model"
                error={at('demand.model') ?? apiError?.details.find((d) => d.field === 'demand')?.message}
              >
                {(props) => (
                  <select {...props} value={form.demand_model} onChange={(e) => set('demand_model')(e.target.value)}>
                    <option value="bootstrap">Bootstrap: resample history in blocks</option>
                    <option value="replay">Replay history as it was</option>
                    <option value="parametric">Parametric: a fitted distribution</option>
                  </select>
                )}
              </Field>
              {form.demand_model === 'bootstrap' &&
                input('block_days', 'Block (days)', {
                  error: at('demand.block_days'),
                  hint: '7 keeps the weekly pattern',
                })}
              {form.demand_model === 'parametric' && (
                <Field label="Distribution" error={at('demand.distribution')}>
                  {(props) => (
                    <select {...props} value={form.distribution} onChange={(e) => set('distribution')(e.target.value)}>
                      <option value="auto">Chosen per item</option>
                      <option value="poisson">Poisson</option>
                      <option value="negative_binomial">Negative binomial</option>
                      <option value="normal">Normal</option>
                      <option value="intermittent">Intermittent</option>
                    </select>
                  )}
                </Field>
              )}
            </div>

            <Fieldset
              legend="Supplier outage"
              error={apiError?.details.find((d) => d.field === 'disruptions.outages[0]')?.message}
            >
              <p className="muted small">The supplier takes no orders and ships nothing for these days.</p>
              <div className="form-row">
                {supplierSelect('outage_supplier', 'Supplier', 'No outage', at('disruptions.outages[0].supplier'))}
                {input('outage_from', 'From day', { error: at('disruptions.outages[0].from_day') })}
                {input('outage_days', 'Days', { error: at('disruptions.outages[0].days') })}
              </div>
            </Fieldset>

            <Fieldset legend="Lead times stretch">
              <p className="muted small">Orders sent in the window take this many times as long (e.g. 1.5).</p>
              <div className="form-row">
                {input('lt_factor', 'Lead-time factor', { error: at('disruptions.lead_time_factors[0].factor') })}
                {supplierSelect(
                  'lt_supplier',
                  'Supplier',
                  'Every supplier',
                  at('disruptions.lead_time_factors[0].supplier'),
                )}
                {input('lt_from', 'From day', { error: at('disruptions.lead_time_factors[0].from_day') })}
                {input('lt_days', 'Days', { error: at('disruptions.lead_time_factors[0].days') })}
              </div>
            </Fieldset>

            <Fieldset legend="Demand surge or dip">
              <p className="muted small">Every item's demand is multiplied by this factor in the window (e.g. 2).</p>
              <div className="form-row">
                {input('df_factor', 'Demand factor', { error: at('disruptions.demand_factors[0].factor') })}
                {input('df_from', 'From day', { error: at('disruptions.demand_factors[0].from_day') })}
                {input('df_days', 'Days', { error: at('disruptions.demand_factors[0].days') })}
              </div>
            </Fieldset>

            <Fieldset
              legend="Policies to compare"
              error={
                apiError?.details.find(
                  (d) => d.field === 'policies' || (d.field.startsWith('policies[') && !d.field.endsWith('extra_days')),
                )?.message
              }
            >
              <div className="checks">
                <label className="check">
                  <input type="checkbox" checked={form.current} onChange={(e) => set('current')(e.target.checked)} />
                  Current: the policies in force
                </label>
                <label className="check">
                  <input type="checkbox" checked={form.lean} onChange={(e) => set('lean')(e.target.checked)} />
                  Lean (JIT): the plan's levels without a buffer
                </label>
                <label className="check">
                  <input type="checkbox" checked={form.buffered} onChange={(e) => set('buffered')(e.target.checked)} />
                  Buffered (just in case): lean plus extra days of demand
                </label>
              </div>
              {form.buffered && (
                <div className="form-row">
                  {input('extra_days', 'Extra days of demand (buffered)', {
                    error: bufferedIndex >= 0 ? at(`policies[${bufferedIndex}].extra_days`) : undefined,
                    hint: 'Blank: the planning setting',
                  })}
                </div>
              )}
            </Fieldset>

            <div className="form-row">
              <Field label="Service floor measure" error={at('service_floor.measure')}>
                {(props) => (
                  <select {...props} value={form.floor_measure} onChange={(e) => set('floor_measure')(e.target.value)}>
                    <option value="fill_rate">Fill rate</option>
                    <option value="cycle_service">Cycle service level</option>
                  </select>
                )}
              </Field>
              {input('floor_level', 'Service floor (%)', {
                error: at('service_floor.level') ?? apiError?.details.find((d) => d.field === 'service_floor')?.message,
                hint: 'A variant below it is not recommended',
              })}
            </div>
            <div className="actions">
              <button type="submit" disabled={busy || running}>
                {busy ? 'Starting…' : running ? 'Simulating…' : 'Run the simulation'}
              </button>
              <button type="button" className="secondary" onClick={save} disabled={busy}>
                Save as scenario
              </button>
              {base && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setBase(null);
                    setForm(EMPTY);
                    setNotice('');
                    setError(undefined);
                  }}
                >
                  Start over
                </button>
              )}
            </div>
          </form>

          <section aria-live="polite" className="sim-output">
            <ErrorNote error={jobLoadError} />
            {jobId !== null && !job && !jobLoadError && <Loading what="Loading the simulation" />}
            {job && running && (
              <Card title={`Simulation #${job.id}: ${String(job.scenario['name'] ?? '')}`}>
                <ProgressBar job={job} />
              </Card>
            )}
            {job?.status === 'failed' && !failed?.details.length && (
              <Card title={`Simulation #${job.id} failed`}>
                <p>{job.error}</p>
              </Card>
            )}
            {job?.status === 'done' && job.result && <SimulationResult job={job} report={job.result} />}
            {jobId === null && (
              <Empty title="No simulation shown yet.">
                Describe a disruption above — say your main supplier closed for three weeks from day 30 — and run it.
                The answer compares the cost and service of running lean against holding a buffer.
              </Empty>
            )}
          </section>
        </div>
      </div>
    </>
  );
}
