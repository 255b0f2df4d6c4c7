import type { Command } from 'commander';
import type { CliDeps } from '../io.js';
import { registerCalcCommand } from './calc.command.js';
import { registerCsvCommands } from './csv.command.js';
import { registerDemoCommand } from './demo.command.js';
import { registerItemCommands } from './item.command.js';
import { registerKanbanCommands } from './kanban.command.js';
import { registerLocationCommands } from './location.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerMovementCommands } from './movement.command.js';
import { registerPurchaseOrderCommands } from './po.command.js';
import { registerPolicyCommands } from './policy.command.js';
import { registerSchedulerCommand } from './scheduler.command.js';
import { registerServeCommand } from './serve.command.js';
import { registerSourceCommands } from './source.command.js';
import { registerSupplierCommands } from './supplier.command.js';
import { registerWebhookCommands } from './webhook.command.js';

export function registerCommands(program: Command, deps: CliDeps): void {
  registerServeCommand(program, deps);
  registerMigrateCommand(program, deps);
  registerItemCommands(program, deps);
  registerLocationCommands(program, deps);
  registerSupplierCommands(program, deps);
  registerSourceCommands(program, deps);
  registerPolicyCommands(program, deps);
  registerPurchaseOrderCommands(program, deps);
  registerMovementCommands(program, deps);
  registerCsvCommands(program, deps);
  registerDemoCommand(program, deps);
  registerCalcCommand(program, deps);
  registerSchedulerCommand(program, deps);
  registerWebhookCommands(program, deps);
  registerKanbanCommands(program, deps);
}
