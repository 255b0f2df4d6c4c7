import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import { CALCULATOR_MODELS, describeCalculators, runCalculator } from '../../domain/policy/index.js';
import type { CliDeps } from '../io.js';

type CalcOptions = { json?: string; list?: boolean };

/** `leanstock calc MODEL --json '{...}'`: one textbook calculator, JSON in and JSON out; `calc --list` lists them. */
export function registerCalcCommand(program: Command, deps: CliDeps): void {
  program
    .command('calc [model]')
    .description(`Run an inventory calculator and print JSON (models: ${CALCULATOR_MODELS.join(', ')})`)
    .option(
      '--json <input>',
      'the input as a JSON object, e.g. \'{"fixed_cost":8,"holding_cost":0.225,"demand_rate":1300}\'',
    )
    .option('--list', 'list the models with their inputs, units and outputs (JSON)')
    .addHelpText('after', '\nInputs, units and formulas: docs/calculators.md')
    .action((model: string | undefined, options: CalcOptions) => {
      if (options.list) {
        deps.stdout(`${JSON.stringify(describeCalculators(), null, 2)}\n`);
        return;
      }
      if (model === undefined) {
        throw new DomainError('LS_VALIDATION', `model: is required; one of ${CALCULATOR_MODELS.join(', ')}`, [
          { field: 'model', message: `is required; one of ${CALCULATOR_MODELS.join(', ')}` },
        ]);
      }
      deps.stdout(`${JSON.stringify(runCalculator(model, parseJson(options.json)), null, 2)}\n`);
    });
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `is not valid JSON (${(error as Error).message})`;
    throw new DomainError('LS_VALIDATION', `--json: ${message}`, [{ field: '--json', message }]);
  }
}
