import type { ComponentType } from 'react';
import { AcceptInvitation } from './pages/accept-invitation';
import { Account } from './pages/account';
import { BomPage } from './pages/bom';
import { NewItem, NewLocation, NewSupplier } from './pages/create';
import { CustomerOrderPage } from './pages/customer-order';
import { NewCustomerOrder } from './pages/customer-order-new';
import { CustomerOrders } from './pages/customer-orders';
import { Dashboard } from './pages/dashboard';
import { Import } from './pages/import';
import { ItemPage } from './pages/item';
import { Items } from './pages/items';
import { KanbanLoopPage, KanbanLoops } from './pages/kanban';
import { KanbanScan } from './pages/kanban-scan';
import { Login } from './pages/login';
import { Movements } from './pages/movements';
import { RecordMovement } from './pages/movements-new';
import { ProductionOrderPage } from './pages/production-order';
import { ProductionOrders } from './pages/production-orders';
import { PurchaseOrderPage } from './pages/purchase-order';
import { PurchaseOrders } from './pages/purchase-orders';
import { ReviewPage } from './pages/review';
import { SimulationPage } from './pages/simulation';
import { StrategyPage } from './pages/strategy';
import { SupplierPage } from './pages/supplier';
import { Suppliers } from './pages/suppliers';
import { Users } from './pages/users';
import type { Permission } from './session';

/**
 * A page of the app: its path pattern (`:name` parameters), its place in the navigation if it has one, the permission
 * its navigation entry needs (the server refuses the writes anyway), and whether a signed-out visitor may open it
 * (shown without the navigation).
 */
export type Route = {
  path: string;
  page: ComponentType<{ params: Record<string, string> }>;
  nav?: string;
  permission?: Permission;
  public?: boolean;
};

// Each page group adds its routes here, in navigation order.
export const routes: Route[] = [
  { path: '/', page: Dashboard, nav: 'Dashboard' },
  { path: '/items', page: Items, nav: 'Items' },
  { path: '/items/new', page: NewItem },
  { path: '/locations/new', page: NewLocation },
  { path: '/items/:sku', page: ItemPage },
  // items pages
  { path: '/movements', page: Movements, nav: 'Movements' },
  { path: '/movements/new', page: RecordMovement, nav: 'Record movement', permission: 'record' },
  // movements pages
  { path: '/purchase-orders', page: PurchaseOrders, nav: 'Purchase orders' },
  { path: '/purchase-orders/:number', page: PurchaseOrderPage },
  // purchasing pages
  { path: '/customer-orders', page: CustomerOrders, nav: 'Customer orders' },
  { path: '/customer-orders/new', page: NewCustomerOrder },
  { path: '/customer-orders/:number', page: CustomerOrderPage },
  { path: '/production-orders', page: ProductionOrders, nav: 'Production' },
  { path: '/production-orders/:number', page: ProductionOrderPage },
  { path: '/boms/:sku', page: BomPage },
  // make-to-order pages
  { path: '/kanban', page: KanbanLoops, nav: 'Kanban' },
  { path: '/kanban/scan', page: KanbanScan },
  { path: '/kanban/loops/:id', page: KanbanLoopPage },
  // kanban pages
  { path: '/suppliers', page: Suppliers, nav: 'Suppliers' },
  { path: '/suppliers/new', page: NewSupplier },
  { path: '/suppliers/:code', page: SupplierPage },
  // suppliers pages
  { path: '/strategy', page: StrategyPage, nav: 'Strategy' },
  { path: '/review', page: ReviewPage, nav: 'Review' },
  // strategy pages
  { path: '/simulation', page: SimulationPage, nav: 'Simulation' },
  // simulation pages
  { path: '/import', page: Import, nav: 'Import', permission: 'plan' },
  // import pages
  { path: '/users', page: Users, nav: 'Users', permission: 'admin' },
  { path: '/account', page: Account },
  { path: '/login', page: Login, public: true },
  { path: '/setup', page: AcceptInvitation, public: true },
  { path: '/invite', page: AcceptInvitation, public: true },
  // user and sign-in pages
];
