import type { FastifyInstance } from 'fastify';
import { calcRoutes } from './calc.routes.js';
import { csvRoutes } from './csv.routes.js';
import { eventRoutes } from './event.routes.js';
import { itemRoutes } from './item.routes.js';
import { kanbanRoutes } from './kanban.routes.js';
import { locationRoutes } from './location.routes.js';
import { movementRoutes } from './movement.routes.js';
import { policyRoutes } from './policy.routes.js';
import { purchaseOrderRoutes } from './purchase-order.routes.js';
import { stockRoutes } from './stock.routes.js';
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
}
