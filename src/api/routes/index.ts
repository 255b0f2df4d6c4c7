import type { FastifyInstance } from 'fastify';
import { bomRoutes } from './bom.routes.js';
import { calcRoutes } from './calc.routes.js';
import { countTaskRoutes } from './count-task.routes.js';
import { csvRoutes } from './csv.routes.js';
import { customerRoutes } from './customer.routes.js';
import { demandRoutes } from './demand.routes.js';
import { eventRoutes } from './event.routes.js';
import { itemRoutes } from './item.routes.js';
import { kanbanRoutes } from './kanban.routes.js';
import { leadTimeRoutes } from './lead-time.routes.js';
import { locationRoutes } from './location.routes.js';
import { metricsRoutes } from './metrics.routes.js';
import { movementRoutes } from './movement.routes.js';
import { planRoutes } from './plan.routes.js';
import { policyRoutes } from './policy.routes.js';
import { purchaseOrderRoutes } from './purchase-order.routes.js';
import { simulationRoutes } from './simulation.routes.js';
import { stockRoutes } from './stock.routes.js';
import { strategyRoutes } from './strategy.routes.js';
import { supplierRoutes } from './supplier.routes.js';
import { supplierItemRoutes } from './supplier-item.routes.js';

/** Every `/api/v1` route module; each registers its own paths and schemas. */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(movementRoutes);
  await app.register(stockRoutes);
  await app.register(csvRoutes);
  await app.register(itemRoutes);
  await app.register(locationRoutes);
  await app.register(calcRoutes);
  await app.register(supplierRoutes);
  await app.register(supplierItemRoutes);
  await app.register(policyRoutes);
  await app.register(purchaseOrderRoutes);
  await app.register(eventRoutes);
  await app.register(kanbanRoutes);
  await app.register(demandRoutes);
  await app.register(strategyRoutes);
  await app.register(leadTimeRoutes);
  await app.register(metricsRoutes);
  await app.register(countTaskRoutes);
  await app.register(planRoutes);
  await app.register(simulationRoutes);
  await app.register(customerRoutes);
  await app.register(bomRoutes);
}
