import type { DemandClass } from '../forecast/index.js';
import type {
  AbcClass,
  PlanningSettings,
  RiskFlag,
  Strategy,
  StrategyInput,
  StrategyResult,
  XyzClass,
} from '../planning/types.js';
import { inverseNormalCdf } from '../policy/distributions.js';

export const STRATEGIES: readonly Strategy[] = ['lean', 'buffered', 'make_to_order'];
export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C'];
export const XYZ_CLASSES: readonly XyzClass[] = ['X', 'Y', 'Z'];

/** Every risk flag, in the order results list them. */
export const RISK_FLAGS: readonly RiskFlag[] = [
  'single_source',
  'long_lead_time',
  'overseas',
  'seasonal_availability',
  'low_supplier_otif',
  'unstable_lead_time',
  'volatile_demand',
];

/** The flags that are about supply (all but `volatile_demand`). */
export const SUPPLY_RISK_FLAGS: readonly RiskFlag[] = RISK_FLAGS.filter((flag) => flag !== 'volatile_demand');

/**
 * The supply risks that can make an item buffered (all but `single_source` and `volatile_demand`). One source is
 * normal in a small shop; it weighs only when the supply is also shaky, late-prone or far away.
 */
export const MATERIAL_SUPPLY_RISK_FLAGS: readonly RiskFlag[] = SUPPLY_RISK_FLAGS.filter(
  (flag) => flag !== 'single_source',
);

/**
 * An unstable lead time also needs σ_L of at least this many days: around a short lead time the calendar alone
 * (weekends, holidays, an order placed after the cut-off) spreads deliveries by a day or two, which the safety stock
 * already covers through σ_L and which no buffer needs to.
 */
export const MIN_UNSTABLE_LEAD_TIME_SD_DAYS = 3;

/** The buffer grows by `bufferDays` per supply risk up to this many times `bufferDays`. */
export const MAX_BUFFER_MULTIPLE = 3;

/** z with Φ(z) = 0.9: a normal lead time's 90th percentile lies z·σ_L above its mean. */
const Z_P90 = inverseNormalCdf(0.9);

/** Relative slack for comparing a cumulative share with a cut-off, so 0.8 of a total computed in floats counts as 0.8. */
const SHARE_EPSILON = 1e-12;

/** One item's place in the ABC ranking. */
export type AbcRank = {
  abc: AbcClass;
  /** The item's share of the portfolio's annual consumption value (0 when the total is 0). */
  share: number;
  /** The share held by the items ranked above it. */
  shareBefore: number;
};

/**
 * ABC classes by annual consumption value (Pareto analysis). Items are ranked by value, highest first (ties by
 * position in the input); each item's class is where its cumulative share *starts*: A while the items above it hold
 * less than `cutoffs[0]` of the total, B while they hold less than `cutoffs[1]`, C after that. So the item that
 * crosses a cut-off stays in the class it starts in, and the item with the highest value is always A. An item without
 * value (zero, negative or not a number: no demand or no cost) is C and counts as 0 in the total.
 *
 * Source: Heizer, Render & Munson, *Operations Management*, 12th ed. (2017), ch. 12, Example 1 (the A, B and C
 * classes of Silicon Chips, Inc. are reproduced in the test); Silver, Pyke & Thomas, *Inventory and Production
 * Management in Supply Chains*, 4th ed. (2017), ch. 2 (the A-B-C classification by the Distribution by Value). Values in money units a year.
 *
 * @example classifyAbc([50, 30, 15, 5], [0.8, 0.95]).map((r) => r.abc) // ['A', 'A', 'B', 'C']
 */
export function classifyAbc(annualValues: readonly number[], cutoffs: readonly [number, number]): AbcRank[] {
  const annualValueAt = (i: number) => {
    const v = annualValues[i]!;
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  const order = annualValues.map((_, i) => i).sort((a, b) => annualValueAt(b) - annualValueAt(a) || a - b);
  let total = 0;
  for (const i of order) total += annualValueAt(i);
  const ranks: AbcRank[] = new Array(annualValues.length);
  let before = 0;
  for (const i of order) {
    const value = annualValueAt(i);
    const shareBefore = total > 0 ? before / total : 0;
    const share = total > 0 ? value / total : 0;
    let abc: AbcClass = 'C';
    if (value > 0) {
      if (shareBefore < cutoffs[0] - SHARE_EPSILON) abc = 'A';
      else if (shareBefore < cutoffs[1] - SHARE_EPSILON) abc = 'B';
    }
    ranks[i] = { abc, share, shareBefore };
    before += value;
  }
  return ranks;
}

/**
 * XYZ class by the coefficient of variation of weekly demand (`DemandForecast.cv`): X below `cutoffs[0]`, Y below
 * `cutoffs[1]`, Z from there on; no demand (CV not a number) is Z.
 *
 * @example classifyXyz(0.7, [0.5, 1]) // 'Y'
 */
export function classifyXyz(demandCv: number, cutoffs: readonly [number, number]): XyzClass {
  if (!Number.isFinite(demandCv)) return 'Z';
  if (demandCv < cutoffs[0]) return 'X';
  if (demandCv < cutoffs[1]) return 'Y';
  return 'Z';
}

/**
 * The risk flags of one item, in `RISK_FLAGS` order:
 * - `single_source`: at most one active source;
 * - `long_lead_time`: mean lead time ≥ `longLeadTimeDays`;
 * - `overseas`, `seasonal_availability`: as the input says;
 * - `low_supplier_otif`: the primary supplier's measured OTIF < `otifThreshold`;
 * - `unstable_lead_time`: σ_L / L ≥ `unstableLeadTimeCv` and σ_L ≥ `MIN_UNSTABLE_LEAD_TIME_SD_DAYS`;
 * - `volatile_demand`: class Z demand that is erratic or lumpy (large and irregular, not only infrequent).
 */
export function findRiskFlags(input: StrategyInput, xyz: XyzClass, settings: PlanningSettings): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const leadTime = input.leadTime;
  if (input.sourceCount <= 1) flags.push('single_source');
  if (leadTime !== null && leadTime.meanDays >= settings.longLeadTimeDays) flags.push('long_lead_time');
  if (input.overseas) flags.push('overseas');
  if (input.seasonalAvailability) flags.push('seasonal_availability');
  if (input.supplierOtif !== null && input.supplierOtif < settings.otifThreshold) flags.push('low_supplier_otif');
  if (leadTime !== null && isUnstable(leadTime, settings)) flags.push('unstable_lead_time');
  if (xyz === 'Z' && isVolatile(input.demandClass)) flags.push('volatile_demand');
  return flags;
}

/**
 * Classifies a whole portfolio of item × location pairs (ABC needs all of them at once) and recommends a strategy
 * for each, answering in the order of `inputs`:
 *
 * 1. **make_to_order** when the policy in force is make-to-order, or when the item is class C with class Z demand
 *    that is lumpy or intermittent and its criticality is not high: stock held for it would mostly wait.
 * 2. **buffered** when it has a material supply risk (`MATERIAL_SUPPLY_RISK_FLAGS`: low supplier OTIF, an unstable,
 *    long or overseas lead time, seasonal availability) and is class A or B or of high criticality, or when its
 *    demand is volatile and its criticality high. A single source alone does not buffer: it is normal for a small
 *    shop, and a reliable supplier on a short, steady lead time is what lean relies on.
 * 3. **lean** otherwise: the safety stock alone covers it.
 *
 * A buffered item holds `bufferDays` of demand on top of its safety stock: `settings.bufferDays` for each supply
 * risk, a single source counted only alongside a material one, at most `MAX_BUFFER_MULTIPLE` times (once when only
 * the demand is volatile); with an unstable lead time at least the days by which a 1-in-10 late delivery exceeds the
 * mean lead time, ⌈z₀.₉·σ_L⌉ with z₀.₉ = 1.2816 (the normal 90th percentile). The safety stock already covers
 * ordinary lead-time variation at the service level; the buffer is for what the normal model misses: a lost source
 * when the supply is also shaky, a late container, a closed season, a surge.
 *
 * Each result carries its reasons in sentences that name the numbers: the strategy first, then the ABC and XYZ
 * classes, then one sentence per risk flag.
 */
export function classifyPortfolio(inputs: readonly StrategyInput[], settings: PlanningSettings): StrategyResult[] {
  const ranks = classifyAbc(
    inputs.map((input) => input.annualValue),
    settings.abcCutoffs,
  );
  // Items share most sentences (the same flags, classes and rounded numbers): each is made once and reused, which
  // keeps the reasons of 100,000 items from costing a sentence object each.
  const sentences = new Map<string, string>();
  const say: Say = (key, make) => {
    let text = sentences.get(key);
    if (text === undefined) {
      text = make();
      sentences.set(key, text);
    }
    return text;
  };
  return inputs.map((input, i) => classifyOne(input, ranks[i]!, settings, say));
}

/** The sentence stored under `key`, made by `make` the first time. */
type Say = (key: string, make: () => string) => string;

function classifyOne(input: StrategyInput, rank: AbcRank, settings: PlanningSettings, say: Say): StrategyResult {
  const noDemand = input.demandClass === 'no_demand' || !Number.isFinite(input.demandCv);
  const xyz = noDemand ? 'Z' : classifyXyz(input.demandCv, settings.xyzCutoffs);
  const riskFlags = findRiskFlags(input, xyz, settings);
  const supplyRisks = riskFlags.filter((flag) => flag !== 'volatile_demand');
  const material = riskFlags.some((flag) => MATERIAL_SUPPLY_RISK_FLAGS.includes(flag));
  // A single source counts only alongside a material risk.
  const countedRisks = material ? supplyRisks : [];
  const volatile = riskFlags.includes('volatile_demand');
  const critical = input.criticality === 'high';
  const abc = rank.abc;

  let strategy: Strategy;
  let bufferDays = 0;
  let decision: string[];
  if (input.currentPolicyKind === 'make_to_order') {
    strategy = 'make_to_order';
    decision = ['Make to order: the policy in force is make-to-order, so the item is supplied only against demand.'];
  } else if (
    abc === 'C' &&
    xyz === 'Z' &&
    (input.demandClass === 'lumpy' || input.demandClass === 'intermittent') &&
    !critical
  ) {
    strategy = 'make_to_order';
    decision = [
      say(
        `mto ${input.demandClass} ${input.criticality}`,
        () =>
          `Make to order: class C with ${input.demandClass} class Z demand and ${input.criticality} criticality; stock held for it would mostly wait, so it is ordered when demand arrives.`,
      ),
    ];
  } else if ((material && (critical || abc !== 'C')) || (volatile && critical)) {
    strategy = 'buffered';
    const buffer = bufferOf(input, countedRisks.length, settings, say);
    bufferDays = buffer.days;
    const risks = critical && volatile ? [...countedRisks, 'volatile_demand' as const] : countedRisks;
    const holder = critical ? `a class ${abc} item of high criticality` : `a class ${abc} item`;
    decision = [
      say(
        `buffered ${risks.join()} ${holder} ${bufferDays}`,
        () =>
          `Buffered: ${listOf(risks.map((flag) => FLAG_NAMES[flag]))} on ${holder}; ${days(bufferDays)} of demand are held on top of the safety stock.`,
      ),
      buffer.why,
    ];
  } else {
    strategy = 'lean';
    decision = [
      say(`lean ${riskFlags.join()} ${abc} ${input.criticality}`, () =>
        leanReason(supplyRisks, volatile, abc, input.criticality),
      ),
    ];
  }

  const reasons = [
    ...decision,
    abcReason(input.annualValue, rank, settings.abcCutoffs, say),
    noDemand
      ? 'Class Z: no demand in the history.'
      : say(`xyz ${xyz} ${num(input.demandCv, 2)} ${input.demandClass}`, () =>
          xyzReason(input, xyz, settings.xyzCutoffs),
        ),
    ...riskFlags.map((flag) => flagReason(flag, input, settings, say)),
  ];
  return { key: input.key, abc, xyz, riskFlags, strategy, bufferDays, reasons };
}

function isUnstable(leadTime: { meanDays: number; sdDays: number }, settings: PlanningSettings): boolean {
  return (
    leadTime.meanDays > 0 &&
    leadTime.sdDays >= MIN_UNSTABLE_LEAD_TIME_SD_DAYS &&
    leadTime.sdDays / leadTime.meanDays >= settings.unstableLeadTimeCv
  );
}

function bufferOf(input: StrategyInput, supplyRiskCount: number, settings: PlanningSettings, say: Say) {
  const multiple = Math.min(Math.max(supplyRiskCount, 1), MAX_BUFFER_MULTIPLE);
  const perRisk = settings.bufferDays * multiple;
  const leadTime = input.leadTime;
  if (leadTime !== null && isUnstable(leadTime, settings)) {
    const lateDays = Math.ceil(Z_P90 * leadTime.sdDays);
    if (lateDays > perRisk) {
      const sd = num(leadTime.sdDays);
      return {
        days: lateDays,
        why: say(
          `late ${lateDays} ${sd} ${multiple}`,
          () =>
            `The buffer is ${days(lateDays)}: a 1-in-10 late delivery arrives that long after the mean lead time (1.28 × σ ${sd} days, rounded up), more than ${days(settings.bufferDays)} × ${multiple}.`,
        ),
      };
    }
  }
  const why = say(`per risk ${supplyRiskCount}`, () =>
    supplyRiskCount === 0
      ? `The buffer is ${days(settings.bufferDays)} for volatile demand.`
      : supplyRiskCount === 1
        ? `The buffer is ${days(settings.bufferDays)} for one supply risk.`
        : `The buffer is ${days(settings.bufferDays)} for each of ${supplyRiskCount} supply risks${supplyRiskCount > MAX_BUFFER_MULTIPLE ? `, counted at most ${MAX_BUFFER_MULTIPLE} times` : ''}.`,
  );
  return { days: perRisk, why };
}

function leanReason(supplyRisks: RiskFlag[], volatile: boolean, abc: AbcClass, criticality: string): string {
  if (supplyRisks.length === 0 && !volatile) {
    return 'Lean: no supply risk and no volatile demand; the safety stock covers the normal variation of demand and lead time.';
  }
  const material = supplyRisks.some((flag) => MATERIAL_SUPPLY_RISK_FLAGS.includes(flag));
  if (!material && !volatile) {
    return 'Lean: single source, but no material supply risk (low supplier OTIF, an unstable, long or overseas lead time, seasonal availability); one source alone is normal for a small shop and adds to a buffer only together with such a risk.';
  }
  const risks = listOf([...supplyRisks, ...(volatile ? ['volatile_demand' as const] : [])].map((f) => FLAG_NAMES[f]));
  const holder = `a class ${abc} item of ${criticality} criticality${material ? '' : ' with no material supply risk'}`;
  return `Lean: ${risks}, but on ${holder}; buffers are kept for material supply risks on class A and B items or critical ones, and for volatile demand on critical items.`;
}

function abcReason(annualValue: number, rank: AbcRank, cutoffs: readonly [number, number], say: Say): string {
  const limits = say('limits', () => `A closes at ${pct(cutoffs[0])}, B at ${pct(cutoffs[1])}`);
  if (!(Number.isFinite(annualValue) && annualValue > 0)) {
    return say('no value', () => `Class C: no annual consumption value (no demand or no unit cost) (${limits}).`);
  }
  const above = rank.shareBefore > 0 ? `the items ranked above it hold ${pct(rank.shareBefore)}` : 'it ranks first';
  return `Class ${rank.abc}: annual consumption value ${money(annualValue)} is ${pct(rank.share)} of the portfolio's; ${above} (${limits}).`;
}

function xyzReason(input: StrategyInput, xyz: XyzClass, cutoffs: readonly [number, number]): string {
  return `Class ${xyz}: weekly demand has a coefficient of variation of ${num(input.demandCv, 2)} (X below ${num(cutoffs[0], 2)}, Y below ${num(cutoffs[1], 2)}); its pattern is ${input.demandClass}.`;
}

const FLAG_NAMES: Record<RiskFlag, string> = {
  single_source: 'single source',
  long_lead_time: 'long lead time',
  overseas: 'overseas supplier',
  seasonal_availability: 'seasonal availability',
  low_supplier_otif: 'low supplier OTIF',
  unstable_lead_time: 'unstable lead time',
  volatile_demand: 'volatile demand',
};

function flagReason(flag: RiskFlag, input: StrategyInput, settings: PlanningSettings, say: Say): string {
  switch (flag) {
    case 'single_source':
    case 'overseas':
    case 'seasonal_availability':
      return flagSentence(flag, input, settings);
    case 'long_lead_time':
      return say(`${flag} ${num(input.leadTime!.meanDays)} ${input.leadTime!.source}`, () =>
        flagSentence(flag, input, settings),
      );
    case 'low_supplier_otif':
      return say(`${flag} ${pct(input.supplierOtif!)}`, () => flagSentence(flag, input, settings));
    case 'unstable_lead_time':
      return say(
        `${flag} ${num(input.leadTime!.sdDays)} ${num(input.leadTime!.meanDays)} ${num(input.leadTime!.sdDays / input.leadTime!.meanDays, 2)}`,
        () => flagSentence(flag, input, settings),
      );
    case 'volatile_demand':
      return say(`${flag} ${num(input.demandCv, 2)} ${input.demandClass}`, () => flagSentence(flag, input, settings));
  }
}

function flagSentence(flag: RiskFlag, input: StrategyInput, settings: PlanningSettings): string {
  const leadTime = input.leadTime;
  switch (flag) {
    case 'single_source':
      return input.sourceCount === 0
        ? 'Single source: the item has no active source.'
        : 'Single source: one active supplier; if it fails, nobody else delivers.';
    case 'long_lead_time':
      return `Long lead time: ${days(leadTime!.meanDays)} ${leadTime!.source === 'measured' ? 'measured from receipts' : 'quoted'}, long from ${days(settings.longLeadTimeDays)}.`;
    case 'overseas':
      return 'Overseas supplier: transport, customs and distance make deliveries slower to expedite.';
    case 'seasonal_availability':
      return 'Seasonal availability: the supplier ships only in part of the year.';
    case 'low_supplier_otif':
      return `Low supplier OTIF: ${pct(input.supplierOtif!)} of deliveries on time and in full, below ${pct(settings.otifThreshold)}.`;
    case 'unstable_lead_time':
      return `Unstable lead time: σ ${num(leadTime!.sdDays)} days on a mean of ${days(leadTime!.meanDays)} (coefficient of variation ${num(leadTime!.sdDays / leadTime!.meanDays, 2)}, unstable from ${num(settings.unstableLeadTimeCv, 2)} with σ of at least ${days(MIN_UNSTABLE_LEAD_TIME_SD_DAYS)}).`;
    case 'volatile_demand':
      return `Volatile demand: class Z (coefficient of variation ${num(input.demandCv, 2)}) and ${input.demandClass}.`;
  }
}

function isVolatile(demandClass: DemandClass): boolean {
  return demandClass === 'erratic' || demandClass === 'lumpy';
}

function listOf(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** At most `digits` decimals, trailing zeros dropped: 12 → "12", 12.345 → "12.3". */
function num(value: number, digits = 1): string {
  const scale = digits === 1 ? 10 : 10 ** digits;
  return String(Math.round(value * scale) / scale);
}

function days(value: number): string {
  const text = num(value);
  return `${text} day${text === '1' ? '' : 's'}`;
}

function pct(share: number): string {
  return `${num(share * 100)}%`;
}

/** One formatter for all items: `toLocaleString` with options builds a new one per call (≈50 µs each). */
const MONEY_FORMAT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function money(value: number): string {
  return MONEY_FORMAT.format(value);
}
