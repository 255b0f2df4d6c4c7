import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  CALCULATOR_MODELS,
  CALCULATORS,
  describeCalculators,
  parseCalculatorInput,
  runCalculator,
} from './calculators.js';

const problemsOf = (model: string, raw: unknown) => {
  const result = parseCalculatorInput(model, raw);
  return result.ok ? [] : result.problems;
};

describe('runCalculator', () => {
  it('answers eoq with the textbook figures of Snyder & Shen Example 3.1, in snake_case', () => {
    const output = runCalculator('eoq', { fixed_cost: 8, holding_cost: 0.225, demand_rate: 1300 });
    expect(output['order_quantity']).toBeCloseTo(304.05, 2);
    expect(output['cost']).toBeCloseTo(68.41, 2);
    expect(output['mode']).toBe('optimized');
  });

  it('computes every model from a valid input and leaves out the fields that do not apply', () => {
    const inputs: Record<string, unknown> = {
      eoq: { fixed_cost: 8, holding_cost: 0.225, demand_rate: 1300, order_quantity: 300 },
      eoq_backorders: { fixed_cost: 8, holding_cost: 0.225, stockout_cost: 5, demand_rate: 1300 },
      eoq_all_units_discount: {
        fixed_cost: 8,
        holding_cost_rate: 0.2,
        demand_rate: 600,
        breakpoints: [0, 500, 1000],
        unit_costs: [0.3, 0.29, 0.28],
      },
      eoq_incremental_discount: {
        fixed_cost: 8,
        holding_cost_rate: 0.2,
        demand_rate: 600,
        breakpoints: [0, 500, 1000],
        unit_costs: [0.3, 0.29, 0.28],
      },
      epq: { fixed_cost: 8, holding_cost: 0.225, demand_rate: 1300, production_rate: 1700 },
      newsvendor: { holding_cost: 0.18, stockout_cost: 0.7, demand_mean: 50, demand_sd: 8 },
      base_stock: { holding_cost: 0.18, stockout_cost: 0.7, demand_mean: 50, demand_sd: 8, lead_time: 2 },
      r_q: {
        holding_cost: 0.225,
        stockout_cost: 7.5,
        fixed_cost: 8,
        demand_mean: 1300,
        demand_sd: 150,
        lead_time: 1 / 12,
      },
      s_S: { holding_cost: 1, stockout_cost: 4, fixed_cost: 5, demand_mean: 6 },
      safety_stock: { demand_mean: 100, demand_sd: 20, lead_time: 4, lead_time_sd: 1, service_level: 0.95 },
      wagner_whitin: { fixed_cost: 500, holding_cost: 2, demands: [90, 120, 80, 70] },
    };
    expect(Object.keys(inputs).sort()).toEqual([...CALCULATOR_MODELS].sort());
    for (const model of CALCULATOR_MODELS) {
      const output = runCalculator(model, inputs[model]);
      const declared = CALCULATORS[model].outputs;
      for (const spec of declared)
        if (!spec.optional) expect(output, `${model}.${spec.name}`).toHaveProperty(spec.name);
      for (const key of Object.keys(output))
        expect(
          declared.map((spec) => spec.name),
          `${model}.${key}`,
        ).toContain(key);
    }
    expect(runCalculator('newsvendor', inputs['newsvendor'])).not.toHaveProperty('profit');
    expect(runCalculator('s_S', inputs['s_S'])).toMatchObject({ s: 4, S: 10 });
    expect(runCalculator('wagner_whitin', inputs['wagner_whitin'])).toMatchObject({
      order_quantities: [210, 0, 150, 0],
      cost: 1380,
    });
  });

  it('answers the newsvendor profit variant with the profit (Snyder & Shen Example 4.2)', () => {
    const output = runCalculator('newsvendor', {
      revenue: 1,
      purchase_cost: 0.3,
      salvage_value: 0.12,
      demand_mean: 50,
      demand_sd: 8,
    });
    expect(output['base_stock_level']).toBeCloseTo(56.6, 2);
    expect(output['profit']).toBeCloseTo(33.0, 2);
  });

  it('refuses an unknown model with LS_NOT_FOUND that lists the models', () => {
    expect(() => runCalculator('eoqq', {})).toThrow(DomainError);
    try {
      runCalculator('eoqq', {});
    } catch (error) {
      expect((error as DomainError).code).toBe('LS_NOT_FOUND');
      expect((error as DomainError).message).toContain('wagner_whitin');
    }
  });

  it('throws one LS_VALIDATION error that lists every problem', () => {
    try {
      runCalculator('eoq', { fixed_cost: -8, holding_cost: 'cheap' });
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('LS_VALIDATION');
      expect((error as DomainError).message).toMatch(/^fixed_cost: must be greater than 0 \(and 2 more problems\)$/);
      expect((error as DomainError).details!.map((p) => p.field)).toEqual([
        'fixed_cost',
        'holding_cost',
        'demand_rate',
      ]);
    }
  });
});

describe('parseCalculatorInput', () => {
  it('names each field: negative costs, missing fields, text for numbers, unknown fields', () => {
    expect(problemsOf('eoq', { fixed_cost: -1, holding_cost: 'x', demand_rate: 10, holding_costs: 1 })).toEqual([
      {
        field: 'holding_costs',
        message: 'is not an input of eoq; expected fixed_cost, holding_cost, demand_rate, order_quantity',
      },
      { field: 'fixed_cost', message: 'must be greater than 0', value: -1 },
      { field: 'holding_cost', message: 'must be a number', value: 'x' },
    ]);
    expect(problemsOf('eoq', [])).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('refuses a service level of 1 or more, or 0 or less', () => {
    const input = { demand_mean: 10, demand_sd: 2, lead_time: 3 };
    for (const service_level of [1, 1.5, 0, -0.1]) {
      expect(problemsOf('safety_stock', { ...input, service_level })).toEqual([
        { field: 'service_level', message: 'must be greater than 0 and less than 1', value: service_level },
      ]);
    }
    expect(problemsOf('safety_stock', input)).toEqual([
      { field: 'service_level', message: 'is required (or give a reorder_point to evaluate)' },
    ]);
    expect(problemsOf('safety_stock', { ...input, service_level: 0.9, service_type: 'fill_rate' })).toEqual([
      { field: 'order_quantity', message: 'is required with service_type fill_rate' },
    ]);
  });

  it('refuses empty demands, negative demands and a plan that runs short', () => {
    expect(problemsOf('wagner_whitin', { fixed_cost: 1, holding_cost: 1, demands: [] })).toEqual([
      { field: 'demands', message: 'must not be empty' },
    ]);
    expect(problemsOf('wagner_whitin', { fixed_cost: 1, holding_cost: 1, demands: [3, -2, 'x'] })).toEqual([
      { field: 'demands[1]', message: 'must not be negative', value: -2 },
      { field: 'demands[2]', message: 'must be a number', value: 'x' },
    ]);
    expect(
      problemsOf('wagner_whitin', { fixed_cost: 1, holding_cost: 1, demands: [3, 3], order_quantities: [3, 2] }),
    ).toEqual([{ field: 'order_quantities[1]', message: 'leaves demand unmet in period 2 (no backorders allowed)' }]);
  });

  it('refuses fractions where whole numbers are needed', () => {
    expect(
      problemsOf('s_S', { holding_cost: 1, stockout_cost: 4, fixed_cost: 5, demand_mean: 6, s: 4.5, S: 10 }),
    ).toEqual([{ field: 's', message: 'must be a whole number', value: 4.5 }]);
    expect(
      problemsOf('r_q', {
        distribution: 'poisson',
        holding_cost: 20,
        stockout_cost: 150,
        fixed_cost: 100,
        demand_mean: 1.5,
        lead_time: 2,
        order_quantity: 2.5,
      }),
    ).toEqual([{ field: 'order_quantity', message: 'must be a whole number for poisson demand', value: 2.5 }]);
    expect(
      problemsOf('newsvendor', {
        distribution: 'poisson',
        holding_cost: 1,
        stockout_cost: 4,
        demand_mean: 6,
        base_stock_level: 7.5,
      }),
    ).toEqual([{ field: 'base_stock_level', message: 'must be a whole number for poisson demand' }]);
  });

  it('checks each distribution’s own fields', () => {
    expect(problemsOf('newsvendor', { holding_cost: 1, stockout_cost: 4, demand_mean: 6 })).toEqual([
      { field: 'demand_sd', message: 'is required with distribution normal' },
    ]);
    expect(
      problemsOf('newsvendor', {
        distribution: 'poisson',
        holding_cost: 1,
        stockout_cost: 4,
        demand_mean: 6,
        demand_sd: 2,
      }),
    ).toEqual([{ field: 'demand_sd', message: 'is not used with distribution poisson' }]);
    expect(
      problemsOf('newsvendor', {
        distribution: 'discrete',
        holding_cost: 1,
        stockout_cost: 4,
        demand_values: [1, 2],
        probabilities: [0.5, 0.4],
      }),
    ).toEqual([{ field: 'probabilities', message: 'must sum to 1 (they sum to 0.9)' }]);
    expect(
      problemsOf('newsvendor', { revenue: 1, purchase_cost: 2, salvage_value: 0, demand_mean: 5, demand_sd: 1 }),
    ).toEqual([{ field: 'revenue', message: 'must be greater than purchase_cost', value: 1 }]);
  });

  it('checks the discount schedule and the production rate', () => {
    expect(
      problemsOf('eoq_all_units_discount', {
        fixed_cost: 8,
        holding_cost_rate: 0.2,
        demand_rate: 600,
        breakpoints: [100, 50],
        unit_costs: [1, 2],
      }),
    ).toEqual([
      { field: 'breakpoints[0]', message: 'must be 0', value: 100 },
      { field: 'breakpoints[1]', message: 'must be greater than the breakpoint before it', value: 50 },
      { field: 'unit_costs[1]', message: 'must not exceed the cost before it', value: 2 },
    ]);
    expect(problemsOf('epq', { fixed_cost: 8, holding_cost: 0.2, demand_rate: 600, production_rate: 500 })).toEqual([
      { field: 'production_rate', message: 'must be greater than demand_rate', value: 500 },
    ]);
  });

  it('reports approximations asked of Poisson (r, Q) and one-sided (s, S) decisions', () => {
    expect(
      problemsOf('r_q', {
        distribution: 'poisson',
        method: 'eil',
        holding_cost: 1,
        stockout_cost: 2,
        fixed_cost: 3,
        demand_mean: 1,
        lead_time: 1,
      }),
    ).toEqual([
      { field: 'method', message: 'must be exact with distribution poisson (the approximations assume normal demand)' },
    ]);
    expect(problemsOf('s_S', { holding_cost: 1, stockout_cost: 4, fixed_cost: 5, demand_mean: 6, s: 3 })).toEqual([
      { field: 'S', message: 'give both s and S to evaluate a policy' },
    ]);
  });
});

describe('describeCalculators', () => {
  it('lists every model with its inputs, units and outputs', () => {
    const list = describeCalculators();
    expect(list.map((entry) => entry.model)).toEqual([...CALCULATOR_MODELS]);
    const eoq = list.find((entry) => entry.model === 'eoq')!;
    expect(eoq.inputs.find((input) => input.name === 'holding_cost')).toMatchObject({
      unit: 'money per unit per time unit',
      required: true,
      exclusive_minimum: 0,
    });
  });
});
