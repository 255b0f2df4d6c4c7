import { DomainError, type FieldProblem, throwIfProblems } from '../errors.js';
import { computeBaseStock } from './base-stock.js';
import { type FieldSpec, type FieldValues, type OutputSpec, readFields } from './calculator-fields.js';
import { type DemandDistribution, lognormalParametersOf } from './distributions.js';
import {
  computeAllUnitsDiscountEoq,
  computeEoq,
  computeEoqWithBackorders,
  computeEpq,
  computeIncrementalDiscountEoq,
  type DiscountInput,
} from './eoq.js';
import { type NewsvendorResult, solveNewsvendor, solveNewsvendorForProfit } from './newsvendor.js';
import { computeRQ, R_Q_METHODS, type RQMethod } from './r-q.js';
import { computeSS, MAX_SPREAD, S_S_METHODS, type SSMethod } from './s-s.js';
import { computeSafetyStock, SERVICE_TYPES, type ServiceType } from './safety-stock.js';
import { findFirstShortage, solveWagnerWhitin } from './wagner-whitin.js';

/**
 * The calculator registry: model name → input fields, output fields, parser and computation. The API
 * (`POST /api/v1/calc/{model}`) and the CLI (`leanstock calc MODEL --json '{...}'`) are thin wrappers over
 * `runCalculator`. Inputs and outputs are snake_case; conventions follow Snyder & Shen, *Fundamentals of Supply Chain
 * Theory*, 2nd ed. (2019). See docs/calculators.md.
 */

export const CALCULATOR_MODELS = [
  'eoq',
  'eoq_backorders',
  'eoq_all_units_discount',
  'eoq_incremental_discount',
  'epq',
  'newsvendor',
  'base_stock',
  'r_q',
  's_S',
  'safety_stock',
  'wagner_whitin',
] as const;

export type CalculatorModel = (typeof CALCULATOR_MODELS)[number];

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** A validated input, ready for `computeCalculator`. */
export type CalculatorInput = { readonly model: CalculatorModel; readonly value: unknown };

export type CalculatorOutput = Record<string, number | string | number[]>;

export type Calculator = {
  model: CalculatorModel;
  summary: string;
  source: string;
  inputs: readonly FieldSpec[];
  outputs: readonly OutputSpec[];
  parse: (raw: unknown) => ParseResult<CalculatorInput>;
  compute: (input: CalculatorInput) => CalculatorOutput;
};

type Definition<I> = {
  model: CalculatorModel;
  summary: string;
  source: string;
  inputs: readonly FieldSpec[];
  outputs: readonly OutputSpec[];
  /** Rules across fields, run only when every field is valid on its own. */
  check?: (values: FieldValues) => FieldProblem[];
  build: (values: FieldValues) => I;
  compute: (input: I) => Record<string, number | string | number[] | undefined>;
};

function defineCalculator<I>(definition: Definition<I>): Calculator {
  const { model, summary, source, inputs, outputs } = definition;
  return {
    model,
    summary,
    source,
    inputs,
    outputs,
    parse: (raw) => {
      const { values, problems } = readFields(raw, inputs, model);
      if (problems.length === 0 && definition.check) problems.push(...definition.check(values));
      return problems.length > 0
        ? { ok: false, problems }
        : { ok: true, value: { model, value: definition.build(values) } };
    },
    compute: (input) => {
      const output: CalculatorOutput = {};
      for (const [key, value] of Object.entries(definition.compute(input.value as I))) {
        if (value !== undefined) output[key] = value;
      }
      return output;
    },
  };
}

// ---- Field specs shared by several models -------------------------------------------------------------------------

const TIME = 'time unit';

const fixedCost: FieldSpec = {
  name: 'fixed_cost',
  type: 'number',
  unit: 'money per order',
  description: 'K: cost of placing one order, whatever its size',
  required: true,
  greaterThan: 0,
};
const holdingCost = (per: string): FieldSpec => ({
  name: 'holding_cost',
  type: 'number',
  unit: `money per unit per ${per}`,
  description: `h: cost of holding one unit for one ${per}`,
  required: true,
  greaterThan: 0,
});
const stockoutCost = (per: string): FieldSpec => ({
  name: 'stockout_cost',
  type: 'number',
  unit: `money per unit per ${per}`,
  description: `p: cost of one unit backordered for one ${per}`,
  required: true,
  greaterThan: 0,
});
const demandRate: FieldSpec = {
  name: 'demand_rate',
  type: 'number',
  unit: `units per ${TIME}`,
  description: 'λ: constant demand rate',
  required: true,
  greaterThan: 0,
};
const orderQuantityToEvaluate: FieldSpec = {
  name: 'order_quantity',
  type: 'number',
  unit: 'units',
  description: 'Q to evaluate instead of optimizing',
  greaterThan: 0,
};
const distribution = (choices: readonly string[]): FieldSpec => ({
  name: 'distribution',
  type: 'choice',
  unit: '',
  description: `demand distribution: ${choices.join(', ')}`,
  choices,
  default: 'normal',
});

function out(name: string, type: OutputSpec['type'], unit: string, description: string, optional = false): OutputSpec {
  return optional ? { name, type, unit, description, optional } : { name, type, unit, description };
}

const modeOutput = out('mode', 'string', '', '"optimized", or "evaluated" when the input gave a decision');

// ---- EOQ family ----------------------------------------------------------------------------------------------------

const eoqOutputs = [
  modeOutput,
  out('order_quantity', 'number', 'units', 'Q: Q* = √(2Kλ/h), or the Q given'),
  out('cost', 'number', `money per ${TIME}`, 'g(Q) = Kλ/Q + hQ/2 (ordering plus holding)'),
  out('order_interval', 'number', TIME, 'T = Q/λ'),
  out('optimal_order_quantity', 'number', 'units', 'Q*'),
  out('optimal_cost', 'number', `money per ${TIME}`, 'g(Q*)'),
];

const eoq = defineCalculator({
  model: 'eoq',
  summary: 'Economic order quantity',
  source: 'Snyder & Shen (2019), ch. 3, eqs. (3.4)–(3.5); Example 3.1',
  inputs: [fixedCost, holdingCost(TIME), demandRate, orderQuantityToEvaluate],
  outputs: eoqOutputs,
  build: (v) => ({
    fixedCost: v['fixed_cost'] as number,
    holdingCost: v['holding_cost'] as number,
    demandRate: v['demand_rate'] as number,
    orderQuantity: v['order_quantity'] as number | undefined,
  }),
  compute: (input) => eoqOutput(computeEoq(input)),
});

function eoqOutput(r: ReturnType<typeof computeEoq>) {
  return {
    mode: r.mode,
    order_quantity: r.orderQuantity,
    cost: r.cost,
    order_interval: r.orderInterval,
    optimal_order_quantity: r.optimalOrderQuantity,
    optimal_cost: r.optimalCost,
  };
}

const eoqBackorders = defineCalculator({
  model: 'eoq_backorders',
  summary: 'EOQ with planned backorders (EOQB)',
  source: 'Snyder & Shen (2019), ch. 3, eqs. (3.27)–(3.29); Example 3.8',
  inputs: [
    fixedCost,
    holdingCost(TIME),
    stockoutCost(TIME),
    demandRate,
    orderQuantityToEvaluate,
    {
      name: 'stockout_fraction',
      type: 'number',
      unit: 'fraction (0–1)',
      description: 'x: fraction of each cycle’s demand backordered, to evaluate (default h/(h+p))',
      min: 0,
      max: 1,
    },
  ],
  outputs: [
    ...eoqOutputs,
    out('stockout_fraction', 'number', 'fraction (0–1)', 'x: x* = h/(h+p), or the x given'),
    out('max_backorders', 'number', 'units', 'xQ: largest backorder in a cycle'),
  ],
  build: (v) => ({
    fixedCost: v['fixed_cost'] as number,
    holdingCost: v['holding_cost'] as number,
    stockoutCost: v['stockout_cost'] as number,
    demandRate: v['demand_rate'] as number,
    orderQuantity: v['order_quantity'] as number | undefined,
    stockoutFraction: v['stockout_fraction'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeEoqWithBackorders(input);
    return { ...eoqOutput(r), stockout_fraction: r.stockoutFraction, max_backorders: r.maxBackorders };
  },
});

const epq = defineCalculator({
  model: 'epq',
  summary: 'Economic production quantity (finite production rate)',
  source: 'Snyder & Shen (2019), ch. 3, eqs. (3.31)–(3.32)',
  inputs: [
    fixedCost,
    holdingCost(TIME),
    demandRate,
    {
      name: 'production_rate',
      type: 'number',
      unit: `units per ${TIME}`,
      description: 'μ: production rate while producing; must exceed demand_rate',
      required: true,
      greaterThan: 0,
    },
    orderQuantityToEvaluate,
  ],
  outputs: [
    ...eoqOutputs,
    out('max_inventory', 'number', 'units', '(1 − λ/μ)Q: peak stock'),
    out('production_time', 'number', TIME, 'Q/μ: production run length'),
  ],
  check: (v) =>
    (v['production_rate'] as number) > (v['demand_rate'] as number)
      ? []
      : [{ field: 'production_rate', message: 'must be greater than demand_rate', value: v['production_rate'] }],
  build: (v) => ({
    fixedCost: v['fixed_cost'] as number,
    holdingCost: v['holding_cost'] as number,
    demandRate: v['demand_rate'] as number,
    productionRate: v['production_rate'] as number,
    orderQuantity: v['order_quantity'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeEpq(input);
    return { ...eoqOutput(r), max_inventory: r.maxInventory, production_time: r.productionTime };
  },
});

const discountInputs: readonly FieldSpec[] = [
  fixedCost,
  {
    name: 'holding_cost_rate',
    type: 'number',
    unit: `fraction of unit cost per ${TIME}`,
    description: 'i: holding cost per time unit as a fraction of the unit cost (0.2 = 20 %), so h = i·c',
    required: true,
    greaterThan: 0,
  },
  demandRate,
  {
    name: 'breakpoints',
    type: 'number_list',
    unit: 'units',
    description: 'b_j: order sizes from which unit_costs[j] applies; starts at 0, strictly increasing',
    required: true,
    min: 0,
    maxItems: 1000,
  },
  {
    name: 'unit_costs',
    type: 'number_list',
    unit: 'money per unit',
    description: 'c_j: purchase cost per unit in the segment starting at breakpoints[j]',
    required: true,
    greaterThan: 0,
    maxItems: 1000,
  },
  orderQuantityToEvaluate,
];

const discountOutputs = [
  modeOutput,
  out('order_quantity', 'number', 'units', 'Q'),
  out('cost', 'number', `money per ${TIME}`, 'g(Q): purchase + ordering + holding'),
  out('segment', 'integer', '', 'j: index of the price segment Q falls in'),
  out('unit_cost', 'number', 'money per unit', 'c_j (all-units) or average cost C(Q)/Q (incremental)'),
  out('order_interval', 'number', TIME, 'T = Q/λ'),
];

function checkDiscounts(v: FieldValues, allUnits: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const breakpoints = v['breakpoints'] as number[];
  const unitCosts = v['unit_costs'] as number[];
  if (breakpoints.length !== unitCosts.length)
    problems.push({ field: 'unit_costs', message: `must have one cost per breakpoint (${breakpoints.length})` });
  if (breakpoints[0] !== 0) problems.push({ field: 'breakpoints[0]', message: 'must be 0', value: breakpoints[0] });
  breakpoints.forEach((b, j) => {
    if (j > 0 && !(b > breakpoints[j - 1]!))
      problems.push({ field: `breakpoints[${j}]`, message: 'must be greater than the breakpoint before it', value: b });
  });
  if (allUnits) {
    unitCosts.forEach((c, j) => {
      if (j > 0 && c > unitCosts[j - 1]!)
        problems.push({ field: `unit_costs[${j}]`, message: 'must not exceed the cost before it', value: c });
    });
  }
  return problems;
}

function buildDiscount(v: FieldValues): DiscountInput {
  return {
    fixedCost: v['fixed_cost'] as number,
    holdingCostRate: v['holding_cost_rate'] as number,
    demandRate: v['demand_rate'] as number,
    breakpoints: v['breakpoints'] as number[],
    unitCosts: v['unit_costs'] as number[],
    orderQuantity: v['order_quantity'] as number | undefined,
  };
}

function discountOutput(r: ReturnType<typeof computeAllUnitsDiscountEoq>) {
  return {
    mode: r.mode,
    order_quantity: r.orderQuantity,
    cost: r.cost,
    segment: r.segment,
    unit_cost: r.unitCost,
    order_interval: r.orderInterval,
  };
}

const eoqAllUnitsDiscount = defineCalculator({
  model: 'eoq_all_units_discount',
  summary: 'EOQ with all-units quantity discounts',
  source: 'Snyder & Shen (2019), ch. 3 (quantity discounts); Nahmias, Production and Operations Analysis, ch. 4',
  inputs: discountInputs,
  outputs: discountOutputs,
  check: (v) => checkDiscounts(v, true),
  build: buildDiscount,
  compute: (input) => discountOutput(computeAllUnitsDiscountEoq(input)),
});

const eoqIncrementalDiscount = defineCalculator({
  model: 'eoq_incremental_discount',
  summary: 'EOQ with incremental quantity discounts',
  source: 'Snyder & Shen (2019), ch. 3 (quantity discounts); Nahmias, Production and Operations Analysis, ch. 4',
  inputs: discountInputs,
  outputs: discountOutputs,
  check: (v) => checkDiscounts(v, false),
  build: buildDiscount,
  compute: (input) => discountOutput(computeIncrementalDiscountEoq(input)),
});

// ---- Newsvendor and base stock -------------------------------------------------------------------------------------

const PERIOD = 'period';

const demandMean = (description: string, required = false): FieldSpec => ({
  name: 'demand_mean',
  type: 'number',
  unit: `units per ${PERIOD}`,
  description,
  required,
  min: 0,
});
const demandSd = (description: string, required = false): FieldSpec => ({
  name: 'demand_sd',
  type: 'number',
  unit: `units per ${PERIOD}`,
  description,
  required,
  min: 0,
});
const baseStockLevel: FieldSpec = {
  name: 'base_stock_level',
  type: 'number',
  unit: 'units',
  description: 'S to evaluate instead of optimizing (a whole number for poisson demand)',
};

const newsvendorInputs: readonly FieldSpec[] = [
  distribution(['normal', 'poisson', 'lognormal', 'discrete']),
  {
    ...holdingCost(PERIOD),
    required: false,
    min: 0,
    greaterThan: undefined,
    unit: 'money per unit left over',
    description:
      'h: cost per unit left at the end of the period (required unless revenue is given; then an extra cost beyond c − v, default 0)',
  },
  {
    ...stockoutCost(PERIOD),
    required: false,
    min: 0,
    greaterThan: undefined,
    unit: 'money per unit short',
    description:
      'p: cost per unit of unmet demand (required unless revenue is given; then an extra cost beyond r − c, default 0)',
  },
  demandMean('mean demand (normal, poisson; or lognormal with demand_sd)'),
  demandSd('standard deviation of demand (normal; or lognormal with demand_mean)'),
  {
    name: 'log_mean',
    type: 'number',
    unit: 'ln(units)',
    description: 'μ of ln D (lognormal, instead of demand_mean/demand_sd)',
  },
  { name: 'log_sd', type: 'number', unit: 'ln(units)', description: 'σ of ln D (lognormal)', greaterThan: 0 },
  { name: 'demand_values', type: 'number_list', unit: 'units', description: 'possible demands (discrete)', min: 0 },
  {
    name: 'probabilities',
    type: 'number_list',
    unit: 'probability',
    description: 'P(D = demand_values[i]) (discrete); sums to 1',
    min: 0,
    max: 1,
  },
  {
    name: 'revenue',
    type: 'number',
    unit: 'money per unit sold',
    description: 'r: selling price (profit variant)',
    min: 0,
  },
  {
    name: 'purchase_cost',
    type: 'number',
    unit: 'money per unit',
    description: 'c: purchase cost (profit variant)',
    min: 0,
  },
  {
    name: 'salvage_value',
    type: 'number',
    unit: 'money per unit left over',
    description: 'v: salvage value, negative for a disposal cost (profit variant)',
  },
  baseStockLevel,
];

const NEWSVENDOR_FIELDS_BY_DISTRIBUTION: Record<string, readonly string[]> = {
  normal: ['demand_mean', 'demand_sd'],
  poisson: ['demand_mean'],
  lognormal: ['demand_mean', 'demand_sd', 'log_mean', 'log_sd'],
  discrete: ['demand_values', 'probabilities'],
};
const DISTRIBUTION_FIELDS = ['demand_mean', 'demand_sd', 'log_mean', 'log_sd', 'demand_values', 'probabilities'];

/** Demand fields that the chosen distribution needs, and those it does not use. */
function checkDemand(v: FieldValues, problems: FieldProblem[]): void {
  const kind = v['distribution'] as string;
  const used = NEWSVENDOR_FIELDS_BY_DISTRIBUTION[kind]!;
  for (const field of DISTRIBUTION_FIELDS) {
    if (v[field] !== undefined && !used.includes(field))
      problems.push({ field, message: `is not used with distribution ${kind}` });
  }
  const need = (field: string) => {
    if (v[field] === undefined) problems.push({ field, message: `is required with distribution ${kind}` });
  };
  if (kind === 'normal') ['demand_mean', 'demand_sd'].forEach(need);
  if (kind === 'poisson') {
    need('demand_mean');
    if (v['demand_mean'] === 0) problems.push({ field: 'demand_mean', message: 'must be greater than 0', value: 0 });
    if ((v['demand_mean'] as number) > 1e6)
      problems.push({ field: 'demand_mean', message: 'must be at most 1000000 for poisson demand (use normal)' });
    if (v['base_stock_level'] !== undefined && !Number.isInteger(v['base_stock_level']))
      problems.push({ field: 'base_stock_level', message: 'must be a whole number for poisson demand' });
  }
  if (kind === 'lognormal') {
    const byLog = v['log_mean'] !== undefined || v['log_sd'] !== undefined;
    if (byLog) {
      ['log_mean', 'log_sd'].forEach(need);
      for (const field of ['demand_mean', 'demand_sd'])
        if (v[field] !== undefined)
          problems.push({ field, message: 'give either log_mean/log_sd or demand_mean/demand_sd' });
    } else {
      ['demand_mean', 'demand_sd'].forEach(need);
      for (const field of ['demand_mean', 'demand_sd'])
        if (v[field] === 0) problems.push({ field, message: 'must be greater than 0 for lognormal demand', value: 0 });
    }
  }
  if (kind === 'discrete') {
    ['demand_values', 'probabilities'].forEach(need);
    const values = v['demand_values'] as number[] | undefined;
    const probabilities = v['probabilities'] as number[] | undefined;
    if (values && probabilities) {
      if (values.length !== probabilities.length)
        problems.push({
          field: 'probabilities',
          message: `must have one probability per demand value (${values.length})`,
        });
      const sum = probabilities.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-6)
        problems.push({ field: 'probabilities', message: `must sum to 1 (they sum to ${sum})` });
    }
  }
}

function buildDemand(v: FieldValues): DemandDistribution {
  switch (v['distribution']) {
    case 'poisson':
      return { kind: 'poisson', mean: v['demand_mean'] as number };
    case 'lognormal':
      return v['log_mean'] !== undefined
        ? { kind: 'lognormal', logMean: v['log_mean'] as number, logSd: v['log_sd'] as number }
        : { kind: 'lognormal', ...lognormalParametersOf(v['demand_mean'] as number, v['demand_sd'] as number) };
    case 'discrete':
      return {
        kind: 'discrete',
        values: v['demand_values'] as number[],
        probabilities: v['probabilities'] as number[],
      };
    default:
      return { kind: 'normal', mean: v['demand_mean'] as number, sd: v['demand_sd'] as number };
  }
}

const newsvendorOutputs = [
  modeOutput,
  out('base_stock_level', 'number', 'units', 'S: S* = F⁻¹(α), or the S given'),
  out(
    'cost',
    'number',
    `money per ${PERIOD}`,
    'g(S) = h·E[(S − D)⁺] + p·E[(D − S)⁺] (in the profit variant h = c − v + h, p = r − c + p)',
  ),
  out('critical_ratio', 'number', 'fraction', 'α = p/(h + p)'),
  out('expected_shortage', 'number', 'units', 'n(S) = E[(D − S)⁺]'),
  out('expected_leftover', 'number', 'units', 'n̄(S) = E[(S − D)⁺]'),
  out('cycle_service_level', 'number', 'fraction', 'P(D ≤ S): probability of no stockout'),
  out('fill_rate', 'number', 'fraction', '1 − n(S)/E[D]: fraction of demand met from stock'),
];

type NewsvendorCalcInput = {
  holdingCost: number | undefined;
  stockoutCost: number | undefined;
  demand: DemandDistribution;
  baseStockLevel: number | undefined;
  profit: { revenue: number; purchaseCost: number; salvageValue: number } | undefined;
};

const newsvendor = defineCalculator<NewsvendorCalcInput>({
  model: 'newsvendor',
  summary: 'Newsvendor (single period), normal, Poisson, lognormal or discrete demand; cost or profit form',
  source: 'Snyder & Shen (2019), ch. 4, eqs. (4.24), (4.27), (4.30); Examples 4.1–4.3',
  inputs: newsvendorInputs,
  outputs: [
    ...newsvendorOutputs,
    out('expected_demand', 'number', 'units', 'E[D]'),
    out('profit', 'number', `money per ${PERIOD}`, 'π(S) = (r − c)E[D] − g(S) (profit variant only)', true),
  ],
  check: (v) => {
    const problems: FieldProblem[] = [];
    checkDemand(v, problems);
    const profitFields = ['revenue', 'purchase_cost', 'salvage_value'];
    if (profitFields.some((field) => v[field] !== undefined)) {
      for (const field of profitFields)
        if (v[field] === undefined)
          problems.push({
            field,
            message: 'is required in the profit variant (revenue, purchase_cost, salvage_value)',
          });
      const r = v['revenue'] as number | undefined;
      const c = v['purchase_cost'] as number | undefined;
      const s = v['salvage_value'] as number | undefined;
      if (r !== undefined && c !== undefined && !(r > c))
        problems.push({ field: 'revenue', message: 'must be greater than purchase_cost', value: r });
      if (c !== undefined && s !== undefined && !(c > s))
        problems.push({ field: 'salvage_value', message: 'must be less than purchase_cost', value: s });
    } else {
      for (const field of ['holding_cost', 'stockout_cost']) {
        if (v[field] === undefined)
          problems.push({ field, message: 'is required (or give revenue, purchase_cost, salvage_value)' });
        else if (v[field] === 0) problems.push({ field, message: 'must be greater than 0', value: 0 });
      }
    }
    return problems;
  },
  build: (v) => ({
    holdingCost: v['holding_cost'] as number | undefined,
    stockoutCost: v['stockout_cost'] as number | undefined,
    demand: buildDemand(v),
    baseStockLevel: v['base_stock_level'] as number | undefined,
    profit:
      v['revenue'] === undefined
        ? undefined
        : {
            revenue: v['revenue'] as number,
            purchaseCost: v['purchase_cost'] as number,
            salvageValue: v['salvage_value'] as number,
          },
  }),
  compute: (input) => {
    const r: NewsvendorResult & { profit?: number } = input.profit
      ? solveNewsvendorForProfit({ ...input, ...input.profit })
      : solveNewsvendor({ ...input, holdingCost: input.holdingCost!, stockoutCost: input.stockoutCost! });
    return {
      mode: r.mode,
      base_stock_level: r.baseStockLevel,
      cost: r.cost,
      critical_ratio: r.criticalRatio,
      expected_shortage: r.expectedShortage,
      expected_leftover: r.expectedLeftover,
      cycle_service_level: r.cycleServiceLevel,
      fill_rate: r.fillRate,
      expected_demand: r.expectedDemand,
      profit: r.profit,
    };
  },
});

const baseStock = defineCalculator({
  model: 'base_stock',
  summary: 'Periodic-review base-stock level with a lead time (normal or Poisson demand)',
  source: 'Snyder & Shen (2019), ch. 4 (base-stock policies; lead time L → demand over L + 1 periods)',
  inputs: [
    distribution(['normal', 'poisson']),
    holdingCost(PERIOD),
    stockoutCost(PERIOD),
    demandMean('μ: mean demand per period', true),
    demandSd('σ: standard deviation of demand per period (normal)'),
    {
      name: 'lead_time',
      type: 'number',
      unit: 'periods',
      description: 'L: periods from order to receipt',
      min: 0,
      default: 0,
    },
    baseStockLevel,
  ],
  outputs: [
    ...newsvendorOutputs,
    out('protection_demand_mean', 'number', 'units', '(L + 1)μ: mean demand over the lead time plus one period'),
    out('protection_demand_sd', 'number', 'units', 'σ√(L + 1) (normal) or √((L + 1)μ) (Poisson)'),
  ],
  check: (v) => {
    const problems: FieldProblem[] = [];
    checkDemand(v, problems);
    if (v['distribution'] === 'poisson' && (v['demand_mean'] as number) * ((v['lead_time'] as number) + 1) > 1e6)
      problems.push({
        field: 'demand_mean',
        message: 'demand_mean × (lead_time + 1) must be at most 1000000 for poisson demand',
      });
    return problems;
  },
  build: (v) => ({
    holdingCost: v['holding_cost'] as number,
    stockoutCost: v['stockout_cost'] as number,
    demand:
      v['distribution'] === 'poisson'
        ? { kind: 'poisson' as const, mean: v['demand_mean'] as number }
        : { kind: 'normal' as const, mean: v['demand_mean'] as number, sd: v['demand_sd'] as number },
    leadTime: v['lead_time'] as number,
    baseStockLevel: v['base_stock_level'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeBaseStock(input);
    return {
      mode: r.mode,
      base_stock_level: r.baseStockLevel,
      cost: r.cost,
      critical_ratio: r.criticalRatio,
      expected_shortage: r.expectedShortage,
      expected_leftover: r.expectedLeftover,
      cycle_service_level: r.cycleServiceLevel,
      fill_rate: r.fillRate,
      protection_demand_mean: r.protectionDemandMean,
      protection_demand_sd: r.protectionDemandSd,
    };
  },
});

// ---- Continuous and periodic review with fixed costs ---------------------------------------------------------------

const rQ = defineCalculator({
  model: 'r_q',
  summary:
    '(r, Q) continuous review: exact (normal, Poisson) and the EOQ+SS, EOQB, EIL and loss-function approximations',
  source:
    'Snyder & Shen (2019), ch. 5, eqs. (5.7)–(5.9), (5.16)–(5.18), (5.21), (5.28)–(5.29), (5.48); Examples 5.1–5.8',
  inputs: [
    distribution(['normal', 'poisson']),
    {
      name: 'method',
      type: 'choice',
      unit: '',
      description: `how to choose (r, Q): ${R_Q_METHODS.join(', ')} (approximations need normal demand)`,
      choices: R_Q_METHODS,
      default: 'exact',
    },
    holdingCost(TIME),
    stockoutCost(TIME),
    fixedCost,
    { ...demandMean('λ: mean demand per time unit', true), unit: `units per ${TIME}`, greaterThan: 0, min: undefined },
    { ...demandSd('τ: standard deviation of demand per time unit, so σ = τ√L (normal)'), unit: `units per ${TIME}` },
    {
      name: 'lead_time',
      type: 'number',
      unit: TIME,
      description: 'L: time from order to receipt',
      required: true,
      min: 0,
    },
    {
      name: 'reorder_point',
      type: 'number',
      unit: 'units',
      description: 'r to evaluate (with order_quantity), or to find the best Q for',
    },
    { ...orderQuantityToEvaluate, description: 'Q to evaluate (with reorder_point), or to find the best r for' },
  ],
  outputs: [
    modeOutput,
    out('method', 'string', '', 'the method used'),
    out('reorder_point', 'number', 'units', 'r'),
    out('order_quantity', 'number', 'units', 'Q'),
    out('cost', 'number', `money per ${TIME}`, 'exact expected cost g(r, Q) of the policy, whichever method chose it'),
    out(
      'approximate_cost',
      'number',
      `money per ${TIME}`,
      'the EIL approximation’s own cost estimate (method eil only)',
      true,
    ),
    out('lead_time_demand_mean', 'number', 'units', 'μ = λL'),
    out('lead_time_demand_sd', 'number', 'units', 'σ = τ√L (normal) or √(λL) (Poisson)'),
    out('cycle_service_level', 'number', 'fraction', 'P(lead-time demand ≤ r): order cycles without a stockout'),
    out('fill_rate', 'number', 'fraction', '1 − (n(r) − n(r + Q))/Q: fraction of demand met from stock'),
    out('expected_backorders', 'number', 'units', 'average backorders'),
    out('expected_on_hand', 'number', 'units', 'average stock on hand'),
  ],
  check: (v) => {
    const problems: FieldProblem[] = [];
    if (v['distribution'] === 'normal' && v['demand_sd'] === undefined)
      problems.push({ field: 'demand_sd', message: 'is required with distribution normal' });
    if (v['distribution'] === 'poisson') {
      if (v['demand_sd'] !== undefined)
        problems.push({ field: 'demand_sd', message: 'is not used with distribution poisson' });
      if (v['method'] !== 'exact')
        problems.push({
          field: 'method',
          message: 'must be exact with distribution poisson (the approximations assume normal demand)',
        });
      if ((v['demand_mean'] as number) * (v['lead_time'] as number) > 1e6)
        problems.push({
          field: 'demand_mean',
          message: 'demand_mean × lead_time must be at most 1000000 for poisson demand',
        });
      for (const field of ['reorder_point', 'order_quantity']) {
        const value = v[field] as number | undefined;
        if (value !== undefined && !Number.isInteger(value))
          problems.push({ field, message: 'must be a whole number for poisson demand', value });
        else if (value !== undefined && Math.abs(value) > 1e6)
          problems.push({ field, message: 'must be between -1000000 and 1000000 for poisson demand', value });
      }
    }
    return problems;
  },
  build: (v) => ({
    holdingCost: v['holding_cost'] as number,
    stockoutCost: v['stockout_cost'] as number,
    fixedCost: v['fixed_cost'] as number,
    demandMean: v['demand_mean'] as number,
    demandSd: (v['demand_sd'] as number | undefined) ?? 0,
    leadTime: v['lead_time'] as number,
    distribution: v['distribution'] as 'normal' | 'poisson',
    method: v['method'] as RQMethod,
    reorderPoint: v['reorder_point'] as number | undefined,
    orderQuantity: v['order_quantity'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeRQ(input);
    return {
      mode: r.mode,
      method: r.method,
      reorder_point: r.reorderPoint,
      order_quantity: r.orderQuantity,
      cost: r.cost,
      approximate_cost: r.approximateCost,
      lead_time_demand_mean: r.leadTimeDemandMean,
      lead_time_demand_sd: r.leadTimeDemandSd,
      cycle_service_level: r.cycleServiceLevel,
      fill_rate: r.fillRate,
      expected_backorders: r.expectedBackorders,
      expected_on_hand: r.expectedOnHand,
    };
  },
});

const sS = defineCalculator({
  model: 's_S',
  summary: '(s, S) periodic review with Poisson demand: exact (Zheng–Federgruen) or the power approximation',
  source:
    'Snyder & Shen (2019), ch. 4, Algorithm 4.2 and eqs. (4.71)–(4.80); Example 4.7; Zheng & Federgruen (1991); Ehrhardt & Mosier (1984)',
  inputs: [
    {
      name: 'distribution',
      type: 'choice',
      unit: '',
      description: 'demand distribution: poisson',
      choices: ['poisson'],
      default: 'poisson',
    },
    {
      name: 'method',
      type: 'choice',
      unit: '',
      description: `${S_S_METHODS.join(' or ')}`,
      choices: S_S_METHODS,
      default: 'exact',
    },
    holdingCost(PERIOD),
    stockoutCost(PERIOD),
    fixedCost,
    { ...demandMean('μ: mean Poisson demand per period', true), greaterThan: 0, min: undefined, max: 10_000 },
    {
      name: 'lead_time',
      type: 'integer',
      unit: 'periods',
      description: 'L: whole periods from order to receipt',
      min: 0,
      max: 1000,
      default: 0,
    },
    {
      name: 's',
      type: 'integer',
      unit: 'units',
      description: 'reorder point to evaluate (with S): order when the inventory position is ≤ s',
    },
    { name: 'S', type: 'integer', unit: 'units', description: 'order-up-to level to evaluate (with s)' },
  ],
  outputs: [
    modeOutput,
    out('method', 'string', '', 'the method used'),
    out('s', 'integer', 'units', 'reorder point: order when the inventory position is ≤ s'),
    out('S', 'integer', 'units', 'order-up-to level'),
    out('cost', 'number', `money per ${PERIOD}`, 'exact expected cost per period of (s, S)'),
    out('s_unrounded', 'number', 'units', 'power approximation before rounding (method power only)', true),
    out('S_unrounded', 'number', 'units', 'power approximation before rounding (method power only)', true),
  ],
  check: (v) => {
    const problems: FieldProblem[] = [];
    const s = v['s'] as number | undefined;
    const S = v['S'] as number | undefined;
    if ((s === undefined) !== (S === undefined))
      problems.push({ field: s === undefined ? 's' : 'S', message: 'give both s and S to evaluate a policy' });
    if (s !== undefined && S !== undefined) {
      if (!(S > s)) problems.push({ field: 'S', message: 'must be greater than s', value: S });
      else if (S - s > MAX_SPREAD)
        problems.push({ field: 'S', message: `S − s must be at most ${MAX_SPREAD}`, value: S });
    }
    if ((v['demand_mean'] as number) * ((v['lead_time'] as number) + 1) > 1e6)
      problems.push({ field: 'demand_mean', message: 'demand_mean × (lead_time + 1) must be at most 1000000' });
    return problems;
  },
  build: (v) => ({
    holdingCost: v['holding_cost'] as number,
    stockoutCost: v['stockout_cost'] as number,
    fixedCost: v['fixed_cost'] as number,
    demandMean: v['demand_mean'] as number,
    leadTime: v['lead_time'] as number,
    method: v['method'] as SSMethod,
    s: v['s'] as number | undefined,
    S: v['S'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeSS(input);
    return {
      mode: r.mode,
      method: r.method,
      s: r.s,
      S: r.S,
      cost: r.cost,
      s_unrounded: r.sUnrounded,
      S_unrounded: r.SUnrounded,
    };
  },
});

// ---- Safety stock and lot sizing -----------------------------------------------------------------------------------

const safetyStock = defineCalculator({
  model: 'safety_stock',
  summary:
    'Safety stock and reorder point for a cycle service level or fill rate, with demand and lead-time variability',
  source: 'Silver, Pyke & Thomas (2017), ch. 6; Snyder & Shen (2019), ch. 5; σ = √(L·σd² + d²·σL²)',
  inputs: [
    demandMean('d: mean demand per period', true),
    demandSd('σd: standard deviation of demand per period', true),
    { name: 'lead_time', type: 'number', unit: 'periods', description: 'L: mean lead time', required: true, min: 0 },
    {
      name: 'lead_time_sd',
      type: 'number',
      unit: 'periods',
      description: 'σL: standard deviation of the lead time',
      min: 0,
      default: 0,
    },
    {
      name: 'service_level',
      type: 'number',
      unit: 'fraction',
      description: 'target cycle service level or fill rate (required unless reorder_point is given)',
      greaterThan: 0,
      lessThan: 1,
    },
    {
      name: 'service_type',
      type: 'choice',
      unit: '',
      description: 'cycle (probability of no stockout per cycle) or fill_rate (fraction of demand met from stock)',
      choices: SERVICE_TYPES,
      default: 'cycle',
    },
    { ...orderQuantityToEvaluate, description: 'Q: units per order (required for fill_rate)' },
    {
      name: 'reorder_point',
      type: 'number',
      unit: 'units',
      description: 'a reorder point to evaluate instead of a target',
    },
  ],
  outputs: [
    modeOutput,
    out('safety_stock', 'number', 'units', 'SS = max(0, kσ)'),
    out('reorder_point', 'number', 'units', 'ROP = dL + SS'),
    out('lead_time_demand_mean', 'number', 'units', 'dL'),
    out('lead_time_demand_sd', 'number', 'units', 'σ = √(L·σd² + d²·σL²)'),
    out(
      'safety_factor',
      'number',
      'standard deviations',
      'k: Φ⁻¹(α) for cycle service, L(k) = (1 − β)Q/σ for fill rate',
    ),
    out('cycle_service_level', 'number', 'fraction', 'Φ(SS/σ) achieved'),
    out('fill_rate', 'number', 'fraction', '1 − σL(SS/σ)/Q achieved (when order_quantity is given)', true),
    out('expected_shortage_per_cycle', 'number', 'units', 'σL(SS/σ)'),
  ],
  check: (v) => {
    const problems: FieldProblem[] = [];
    if (v['reorder_point'] === undefined && v['service_level'] === undefined)
      problems.push({ field: 'service_level', message: 'is required (or give a reorder_point to evaluate)' });
    if (v['reorder_point'] !== undefined && v['service_level'] !== undefined)
      problems.push({ field: 'service_level', message: 'give either service_level or reorder_point, not both' });
    if (v['service_type'] === 'fill_rate' && v['reorder_point'] === undefined && v['order_quantity'] === undefined)
      problems.push({ field: 'order_quantity', message: 'is required with service_type fill_rate' });
    return problems;
  },
  build: (v) => ({
    demandMean: v['demand_mean'] as number,
    demandSd: v['demand_sd'] as number,
    leadTime: v['lead_time'] as number,
    leadTimeSd: v['lead_time_sd'] as number,
    serviceLevel: v['service_level'] as number | undefined,
    serviceType: v['service_type'] as ServiceType,
    orderQuantity: v['order_quantity'] as number | undefined,
    reorderPoint: v['reorder_point'] as number | undefined,
  }),
  compute: (input) => {
    const r = computeSafetyStock(input);
    return {
      mode: r.mode,
      safety_stock: r.safetyStock,
      reorder_point: r.reorderPoint,
      lead_time_demand_mean: r.leadTimeDemandMean,
      lead_time_demand_sd: r.leadTimeDemandSd,
      safety_factor: r.safetyFactor,
      cycle_service_level: r.cycleServiceLevel,
      fill_rate: r.fillRate,
      expected_shortage_per_cycle: r.expectedShortagePerCycle,
    };
  },
});

const wagnerWhitin = defineCalculator({
  model: 'wagner_whitin',
  summary: 'Wagner–Whitin lot sizing over a finite horizon of known demands',
  source: 'Wagner & Whitin (1958); Snyder & Shen (2019), ch. 3, eq. (3.39), Algorithm 3.1; Example 3.9',
  inputs: [
    { ...fixedCost, greaterThan: undefined, min: 0 },
    {
      ...holdingCost(PERIOD),
      description: 'h: cost per unit left at the end of a period',
      greaterThan: undefined,
      min: 0,
    },
    {
      name: 'demands',
      type: 'number_list',
      unit: 'units per period',
      description: 'd_1..d_T: demand in each period',
      required: true,
      min: 0,
      maxItems: 5000,
    },
    {
      name: 'order_quantities',
      type: 'number_list',
      unit: 'units',
      description: 'a plan to evaluate: units received at the start of each period',
      min: 0,
      maxItems: 5000,
    },
  ],
  outputs: [
    modeOutput,
    out('order_quantities', 'number_list', 'units', 'units ordered at the start of each period'),
    out('cost', 'number', 'money', 'total over the horizon: K per order + h per unit of ending stock per period'),
    out('order_periods', 'integer_list', 'periods (1-based)', 'periods in which an order is placed'),
    out('ending_inventory', 'number_list', 'units', 'stock at the end of each period'),
  ],
  check: (v) => {
    const demands = v['demands'] as number[];
    const plan = v['order_quantities'] as number[] | undefined;
    if (!plan) return [];
    if (plan.length !== demands.length)
      return [{ field: 'order_quantities', message: `must have one quantity per period (${demands.length})` }];
    const short = findFirstShortage(demands, plan);
    return short === undefined
      ? []
      : [
          {
            field: `order_quantities[${short - 1}]`,
            message: `leaves demand unmet in period ${short} (no backorders allowed)`,
          },
        ];
  },
  build: (v) => ({
    fixedCost: v['fixed_cost'] as number,
    holdingCost: v['holding_cost'] as number,
    demands: v['demands'] as number[],
    orderQuantities: v['order_quantities'] as number[] | undefined,
  }),
  compute: (input) => {
    const r = solveWagnerWhitin(input);
    return {
      mode: r.mode,
      order_quantities: r.orderQuantities,
      cost: r.cost,
      order_periods: r.orderPeriods,
      ending_inventory: r.endingInventory,
    };
  },
});

// ---- Registry ------------------------------------------------------------------------------------------------------

export const CALCULATORS: Readonly<Record<CalculatorModel, Calculator>> = {
  eoq,
  eoq_backorders: eoqBackorders,
  eoq_all_units_discount: eoqAllUnitsDiscount,
  eoq_incremental_discount: eoqIncrementalDiscount,
  epq,
  newsvendor,
  base_stock: baseStock,
  r_q: rQ,
  s_S: sS,
  safety_stock: safetyStock,
  wagner_whitin: wagnerWhitin,
};

export function isCalculatorModel(model: string): model is CalculatorModel {
  return (CALCULATOR_MODELS as readonly string[]).includes(model);
}

/**
 * Validates a calculator input: every problem is reported with its field (negative costs, a service level outside
 * (0, 1), empty demands, a fraction where a whole number is needed, fields the model does not know, …).
 *
 * @example parseCalculatorInput('eoq', { fixed_cost: -8, holding_cost: 0.225 })
 * // { ok: false, problems: [{ field: 'fixed_cost', message: 'must be greater than 0', value: -8 },
 * //                         { field: 'demand_rate', message: 'is required' }] }
 */
export function parseCalculatorInput(model: string, raw: unknown): ParseResult<CalculatorInput> {
  if (!isCalculatorModel(model))
    return {
      ok: false,
      problems: [
        { field: 'model', message: `unknown model; expected one of ${CALCULATOR_MODELS.join(', ')}`, value: model },
      ],
    };
  return CALCULATORS[model].parse(raw);
}

/** Computes a validated input. Every number in the output is finite, or an LS_VALIDATION error says which is not. */
export function computeCalculator(input: CalculatorInput): CalculatorOutput {
  const output = CALCULATORS[input.model].compute(input);
  for (const [field, value] of Object.entries(output)) {
    const numbers = Array.isArray(value) ? value : [value];
    if (numbers.some((n) => typeof n === 'number' && !Number.isFinite(n))) {
      throw new DomainError('LS_VALIDATION', `body: these inputs make ${field} infinite or undefined`, [
        { field: 'body', message: `these inputs make ${field} infinite or undefined` },
      ]);
    }
  }
  return output;
}

/**
 * Validates and computes in one step: `LS_NOT_FOUND` for an unknown model, `LS_VALIDATION` listing every problem.
 *
 * @example runCalculator('eoq', { fixed_cost: 8, holding_cost: 0.225, demand_rate: 1300 })
 * // { mode: 'optimized', order_quantity: 304.0467…, cost: 68.4105…, … } (Snyder & Shen 2019, Example 3.1)
 */
export function runCalculator(model: string, raw: unknown): CalculatorOutput {
  if (!isCalculatorModel(model)) {
    throw new DomainError(
      'LS_NOT_FOUND',
      `model: unknown calculator ${JSON.stringify(model)}; expected one of ${CALCULATOR_MODELS.join(', ')}`,
      [
        {
          field: 'model',
          message: `unknown calculator; expected one of ${CALCULATOR_MODELS.join(', ')}`,
          value: model,
        },
      ],
    );
  }
  const parsed = CALCULATORS[model].parse(raw);
  if (!parsed.ok) throwIfProblems(parsed.problems);
  return computeCalculator((parsed as { value: CalculatorInput }).value);
}

/** The models with their inputs and outputs, for `GET /api/v1/calc` and `calc --list`. */
export function describeCalculators() {
  return CALCULATOR_MODELS.map((model) => {
    const { summary, source, inputs, outputs } = CALCULATORS[model];
    return { model, summary, source, inputs: inputs.map(describeField), outputs };
  });
}

function describeField(spec: FieldSpec) {
  const {
    name,
    type,
    unit,
    description,
    required,
    choices,
    default: defaultValue,
    min,
    max,
    greaterThan,
    lessThan,
  } = spec;
  return {
    name,
    type,
    unit,
    description,
    required: required ?? false,
    ...(choices && { choices: [...choices] }),
    ...(defaultValue !== undefined && { default: defaultValue }),
    ...(min !== undefined && { minimum: min }),
    ...(max !== undefined && { maximum: max }),
    ...(greaterThan !== undefined && { exclusive_minimum: greaterThan }),
    ...(lessThan !== undefined && { exclusive_maximum: lessThan }),
  };
}
