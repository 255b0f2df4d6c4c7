import type { ComponentType } from 'react';
import { Dashboard } from './pages/dashboard';

/** A page of the app: its path pattern (`:name` parameters), and its place in the navigation if it has one. */
export type Route = { path: string; page: ComponentType<{ params: Record<string, string> }>; nav?: string };

// Each page group adds its routes here, in navigation order.
export const routes: Route[] = [
  { path: '/', page: Dashboard, nav: 'Dashboard' },
  // items pages
  // movements pages
  // purchasing pages
  // kanban pages
  // suppliers pages
  // strategy pages
  // simulation pages
  // import pages
];
