import { AuditEntry, Item, Location } from './catalogue.schemas.js';
import { ErrorResponse } from './common.js';
import { Balance, Movement, MovementInput } from './ledger.schemas.js';
import { PurchaseOrder, TriggerOutcome } from './purchasing.schemas.js';
import { Supplier, SupplierItem } from './supplier.schemas.js';

/** Schemas with an `$id`, added once at the root so every route can `Type.Ref` them and OpenAPI lists them. */
export const sharedSchemas = [
  ErrorResponse,
  Balance,
  Movement,
  MovementInput,
  Item,
  Location,
  AuditEntry,
  Supplier,
  SupplierItem,
  TriggerOutcome,
  PurchaseOrder,
];
