import { isCountUnit } from '../domain/quantity.js';
import { DAY_MS, instantToLocal, localDateTimeToInstant } from '../domain/replenishment/local-time.js';
import type { DemoCatalogue, DemoItem } from './demo-catalogue.js';
import { leadTimeOf } from './demo-history.js';
import { type DemoCategory, SITE_TEMPLATES } from './demo-templates.js';
import type { Random } from './random.js';

/** An item the main site makes to order: a finished product or a subassembly of one. */
export type DemoMadeItem = {
  sku: string;
  name: string;
  unit: 'pcs';
  category: 'finished_goods' | 'subassemblies';
  /** Material rolled up from the components (with scrap) plus assembly labour, in euro cents. */
  unitCostMinor: number;
  criticality: 'medium' | 'high';
};

export type DemoBomLine = { sku: string; quantityPer: number; scrapFactor: number };

/** One version of a made item's BOM; valid_from ≤ date < valid_to, null is open. */
export type DemoBom = {
  sku: string;
  validFrom: string | null;
  validTo: string | null;
  leadTimeDays: number;
  note: string;
  lines: DemoBomLine[];
};

export type DemoCustomer = { code: string; name: string; email: string };

/**
 * What the demo does with an order: leaves it a draft; confirms it (purchase lines drafted, production planned, one
 * purchase order sent when `sendPurchaseAt` is set); or confirms it and follows it through purchasing and
 * production to the shipment, each step on the day the product planned it.
 */
export type DemoOrderOutcome = 'draft' | 'confirmed' | 'shipped';

export type DemoCustomerOrder = {
  customer: string;
  /** Epoch ms: when the order is entered, and confirmed unless it stays a draft. */
  placedAt: number;
  requestedDate: string;
  note: string;
  lines: Array<{ sku: string; quantity: number }>;
  outcome: DemoOrderOutcome;
  /** Epoch ms: when the first purchase order the confirmation drafted is sent (a confirmed order in motion). */
  sendPurchaseAt: number | null;
};

export type DemoMakeToOrder = {
  /** Where the products are made and shipped from: the main site, and its time zone. */
  site: string;
  timeZone: string;
  /** Epoch ms: when the made items, their BOMs and policies and the customers are set up. */
  setupAt: number;
  items: DemoMadeItem[];
  boms: DemoBom[];
  customers: DemoCustomer[];
  /** In the order they are entered, oldest first. */
  orders: DemoCustomerOrder[];
};

/** A component a BOM needs, found in the catalogue by name (first pattern that matches), else by category. */
type Role = { patterns: RegExp[]; category: DemoCategory; unit: string };

const ROLES = {
  tube: {
    patterns: [/^Steel square tube 40 x 40/, /^Steel square tube/, /^Steel flat bar/],
    category: 'raw_materials',
    unit: 'm',
  },
  flatBar: { patterns: [/^Steel flat bar 50 x 10/, /^Steel flat bar/], category: 'raw_materials', unit: 'm' },
  sheet: {
    patterns: [/^Steel sheet S235 3 mm/, /^Steel sheet S235/, /sheet .*1000 x 2000/],
    category: 'raw_materials',
    unit: 'sheet',
  },
  coating: { patterns: [/^Powder coating RAL 7035/, /^Powder coating/], category: 'raw_materials', unit: 'kg' },
  timber: { patterns: [/^Timber plank/], category: 'raw_materials', unit: 'm' },
  weldingWire: {
    patterns: [/^MIG welding wire SG2 1\.0/, /^MIG welding wire/, /^Welding electrode/],
    category: 'consumables',
    unit: 'kg',
  },
  boltM10: {
    patterns: [/^Hex bolt DIN 933 M10 x 40/, /^Hex bolt DIN 933 M10/, /^Hex bolt DIN 933/, /hex bolt/i],
    category: 'fasteners',
    unit: 'pcs',
  },
  nutM10: { patterns: [/^Hex nut DIN 934 M10/, /^Hex nut/], category: 'fasteners', unit: 'pcs' },
  washerM10: { patterns: [/^Washer DIN 125 M10/, /^Washer DIN 125/, /washer/i], category: 'fasteners', unit: 'pcs' },
  boltM8: {
    patterns: [/^Hex bolt DIN 933 M8 x 30/, /^Hex bolt DIN 933 M8/, /^Socket cap screw ISO 4762 M8/, /hex bolt/i],
    category: 'fasteners',
    unit: 'pcs',
  },
  nutM8: { patterns: [/^Hex nut DIN 934 M8/, /^Hex nut/], category: 'fasteners', unit: 'pcs' },
  woodScrew: {
    patterns: [/^Self-tapping screw 4\.8/, /^Self-tapping screw/, /^Countersunk screw/],
    category: 'fasteners',
    unit: 'pcs',
  },
  carton: {
    patterns: [/^Folding carton 400 x 300/, /^Folding carton/, /^Mailer box/],
    category: 'packaging',
    unit: 'pcs',
  },
  foam: { patterns: [/^Foam insert/, /^Bubble wrap/], category: 'packaging', unit: 'pcs' },
  pallet: { patterns: [/^EUR pallet/, /^Pallet collar/], category: 'packaging', unit: 'pcs' },
  film: { patterns: [/^Stretch film/], category: 'packaging', unit: 'roll' },
} satisfies Record<string, Role>;

type RoleName = keyof typeof ROLES;
/** A BOM line by role (a catalogue component) or by made SKU. */
type LineSpec = { role: RoleName; quantityPer: number; scrapFactor?: number } | { made: string; quantityPer: number };
type BomSpec = Omit<DemoBom, 'lines'> & { lines: LineSpec[]; labourMinutes: number };

const SITE = 'BER';
const KIT = 'FG-1001';
const STAND = 'FG-1002';
const WORKBENCH = 'FG-1003';
const LEG = 'SUB-1001';
const FRAME = 'SUB-1002';
/** Assembly labour, euro cents per minute. */
const LABOUR_MINOR_PER_MINUTE = 80;
/** Days of safety between the end of the shipped order's story and today. */
const HISTORY_MARGIN_DAYS = 10;

const MADE: Array<Omit<DemoMadeItem, 'unitCostMinor' | 'unit'>> = [
  { sku: KIT, name: 'Fastener assortment kit M8/M10, 120 pieces', category: 'finished_goods', criticality: 'medium' },
  { sku: STAND, name: 'Machine stand 1000 x 1000, powder coated', category: 'finished_goods', criticality: 'high' },
  { sku: WORKBENCH, name: 'Workbench 1500 x 750 with timber top', category: 'finished_goods', criticality: 'high' },
  { sku: LEG, name: 'Welded leg 40 x 40 x 850 with foot plate', category: 'subassemblies', criticality: 'medium' },
  {
    sku: FRAME,
    name: 'Workbench frame 1500 x 750, welded and coated',
    category: 'subassemblies',
    criticality: 'medium',
  },
];

const CUSTOMERS: DemoCustomer[] = [
  { code: 'NORDBAU', name: 'Nordbau Werkstatteinrichtung GmbH', email: 'einkauf@nordbau.example' },
  { code: 'OFTEJO', name: 'Oficinas do Tejo, Lda.', email: 'compras@oficinas-tejo.example' },
  { code: 'KRAFTWERK', name: 'Kraftwerk Maschinenbau AG', email: 'orders@kraftwerk-mb.example' },
];

/**
 * Plans the make-to-order part of the demo at the main site: three products built from catalogue components — a
 * fastener kit (one level), a machine stand on welded legs (two levels, with a second BOM version that changes the
 * fixings) and a workbench whose frame stands on the same legs (three levels) —, three customers and four orders: one
 * placed long enough ago to have been bought for, made and shipped, one confirmed three days ago with a purchase order
 * sent, a rush order confirmed yesterday and a draft. Components are found by name and fall back to an item of the
 * same category (preferring quick suppliers), so any catalogue size works. Pure: no I/O, no clock.
 */
export function planDemoMakeToOrder(
  random: Random,
  catalogue: DemoCatalogue,
  options: { now: number },
): DemoMakeToOrder {
  const site = SITE_TEMPLATES.find((s) => s.code === SITE)!;
  const leadDays = purchaseLeadTimes(catalogue, site);
  const today = instantToLocal(options.now, site.timeZone).dayNumber;
  const specs = bomSpecs(today);
  const costs = new Map(catalogue.items.map((item) => [item.sku, item.unitCostMinor]));
  const boms: DemoBom[] = [];
  const usedLeads = new Map<string, number>();
  for (const spec of specs) {
    const used = new Set<string>();
    const lines: DemoBomLine[] = [];
    for (const line of spec.lines) {
      if ('made' in line) {
        lines.push({ sku: line.made, quantityPer: line.quantityPer, scrapFactor: 0 });
        continue;
      }
      const item = findComponent(catalogue.items, ROLES[line.role], used, leadDays);
      if (!item) continue;
      used.add(item.sku);
      usedLeads.set(item.sku, leadDays.get(item.sku) ?? 0);
      // A stand-in in another unit: one whole piece when it is counted, else the same quantity.
      const standIn = item.unit !== ROLES[line.role].unit && isCountUnit(item.unit);
      const quantityPer = standIn ? 1 : line.quantityPer;
      lines.push({ sku: item.sku, quantityPer, scrapFactor: line.scrapFactor ?? 0 });
    }
    const { labourMinutes: _labour, ...bom } = spec;
    boms.push({ ...bom, lines });
  }
  const labour = new Map(specs.map((spec) => [spec.sku, spec.labourMinutes]));
  const items = MADE.map((made) => ({
    ...made,
    unit: 'pcs' as const,
    unitCostMinor: rolledCost(made.sku, boms, costs, labour),
  }));

  const path = (sku: string): number => {
    const versions = boms.filter((b) => b.sku === sku);
    if (versions.length === 0) return usedLeads.get(sku) ?? 0;
    return Math.max(...versions.map((b) => b.leadTimeDays + Math.max(0, ...b.lines.map((l) => path(l.sku)))));
  };
  const at = (day: number, hour: number, minute = 0) => localDateTimeToInstant(day, hour * 60 + minute, site.timeZone);
  const date = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  const shippedPath = Math.max(path(STAND), path(KIT));
  const placed = today - shippedPath - HISTORY_MARGIN_DAYS - 3;
  const r = random.fork('orders');
  const orders: DemoCustomerOrder[] = [
    {
      customer: 'NORDBAU',
      placedAt: at(placed, 9, 30),
      requestedDate: date(placed + shippedPath + 3),
      note: 'Stands for the new assembly line, with fastener kits',
      lines: [
        { sku: STAND, quantity: r.int(2, 4) },
        { sku: KIT, quantity: r.int(4, 8) },
      ],
      outcome: 'shipped',
      sendPurchaseAt: null,
    },
    {
      customer: 'OFTEJO',
      placedAt: at(today - 3, 10),
      requestedDate: date(today + path(WORKBENCH) + 4),
      note: 'Workshop fit-out, Lisbon',
      lines: [
        { sku: WORKBENCH, quantity: r.int(2, 4) },
        { sku: STAND, quantity: 1 },
      ],
      outcome: 'confirmed',
      sendPurchaseAt: at(today - 2, 9),
    },
    {
      customer: 'KRAFTWERK',
      placedAt: at(today - 1, 11),
      requestedDate: date(today + 1),
      note: 'Rush: maintenance shutdown',
      lines: [{ sku: KIT, quantity: r.int(8, 15) }],
      outcome: 'confirmed',
      sendPurchaseAt: null,
    },
    {
      customer: 'NORDBAU',
      placedAt: at(today - 1, 15, 30),
      requestedDate: date(today + 40),
      note: "Quotation sent; waiting for the customer's go-ahead",
      lines: [{ sku: WORKBENCH, quantity: r.int(1, 3) }],
      outcome: 'draft',
      sendPurchaseAt: null,
    },
  ];
  return {
    site: SITE,
    timeZone: site.timeZone,
    setupAt: at(placed - 14, 8),
    items,
    boms,
    customers: CUSTOMERS,
    orders,
  };
}

function bomSpecs(today: number): BomSpec[] {
  // The stand's second version (M10 fixings) takes over from a week ago: the shipped order was made on the first.
  const change = new Date((today - 7) * DAY_MS).toISOString().slice(0, 10);
  const open = { validFrom: null, validTo: null };
  return [
    {
      sku: LEG,
      ...open,
      leadTimeDays: 1,
      note: 'Cut, weld the foot plate, drill for the levelling bolt',
      labourMinutes: 20,
      lines: [
        { role: 'tube', quantityPer: 0.85, scrapFactor: 0.02 },
        { role: 'flatBar', quantityPer: 0.12, scrapFactor: 0.05 },
        { role: 'weldingWire', quantityPer: 0.05 },
        { role: 'boltM10', quantityPer: 1 },
        { role: 'nutM10', quantityPer: 1 },
      ],
    },
    {
      sku: FRAME,
      ...open,
      leadTimeDays: 2,
      note: 'Weld four legs into the rail frame, then powder coat',
      labourMinutes: 90,
      lines: [
        { made: LEG, quantityPer: 4 },
        { role: 'tube', quantityPer: 4.5, scrapFactor: 0.03 },
        { role: 'weldingWire', quantityPer: 0.2 },
        { role: 'coating', quantityPer: 1.5, scrapFactor: 0.1 },
      ],
    },
    {
      sku: KIT,
      ...open,
      leadTimeDays: 1,
      note: 'Count, bag and box',
      labourMinutes: 10,
      lines: [
        { role: 'boltM10', quantityPer: 20 },
        { role: 'nutM10', quantityPer: 20 },
        { role: 'washerM10', quantityPer: 40 },
        { role: 'boltM8', quantityPer: 20 },
        { role: 'nutM8', quantityPer: 20 },
        { role: 'carton', quantityPer: 1 },
        { role: 'foam', quantityPer: 1 },
      ],
    },
    {
      sku: STAND,
      validFrom: null,
      validTo: change,
      leadTimeDays: 3,
      note: 'Four legs, rails and a sheet steel top; powder coated',
      labourMinutes: 120,
      lines: [
        { made: LEG, quantityPer: 4 },
        { role: 'tube', quantityPer: 4.2, scrapFactor: 0.03 },
        { role: 'sheet', quantityPer: 0.5 },
        { role: 'boltM8', quantityPer: 8 },
        { role: 'nutM8', quantityPer: 8 },
        { role: 'coating', quantityPer: 0.8, scrapFactor: 0.1 },
      ],
    },
    {
      sku: STAND,
      validFrom: change,
      validTo: null,
      leadTimeDays: 3,
      note: 'Version 2: the top is fixed with M10 bolts and washers',
      labourMinutes: 120,
      lines: [
        { made: LEG, quantityPer: 4 },
        { role: 'tube', quantityPer: 4.2, scrapFactor: 0.03 },
        { role: 'sheet', quantityPer: 0.5 },
        { role: 'boltM10', quantityPer: 8 },
        { role: 'nutM10', quantityPer: 8 },
        { role: 'washerM10', quantityPer: 16 },
        { role: 'coating', quantityPer: 0.8, scrapFactor: 0.1 },
      ],
    },
    {
      sku: WORKBENCH,
      ...open,
      leadTimeDays: 2,
      note: 'Frame, timber top screwed on, shipped on a pallet',
      labourMinutes: 60,
      lines: [
        { made: FRAME, quantityPer: 1 },
        { role: 'timber', quantityPer: 6, scrapFactor: 0.05 },
        { role: 'woodScrew', quantityPer: 24 },
        { role: 'pallet', quantityPer: 1 },
        { role: 'film', quantityPer: 0.2 },
      ],
    },
  ];
}

/** Quoted lead time of each item's preferred source to the site (what the product plans a purchase with). */
function purchaseLeadTimes(catalogue: DemoCatalogue, site: (typeof SITE_TEMPLATES)[number]): Map<string, number> {
  const suppliers = new Map(catalogue.suppliers.map((s) => [s.code, s]));
  const leads = new Map<string, number>();
  for (const source of catalogue.supplierItems) {
    if (source.rank === 1) leads.set(source.sku, leadTimeOf(source, suppliers.get(source.supplier)!, site));
  }
  return leads;
}

/**
 * The catalogue item for a role: the first pattern with a match wins; without one, any item of the role's category,
 * the role's unit first. Among candidates, items a supplier delivers within ten days come first, then catalogue order.
 */
function findComponent(
  items: readonly DemoItem[],
  role: Role,
  used: ReadonlySet<string>,
  leadDays: ReadonlyMap<string, number>,
): DemoItem | undefined {
  const free = items.filter((item) => item.category === role.category && !used.has(item.sku));
  const quickFirst = (candidates: DemoItem[]) =>
    [...candidates].sort((a, b) => Number((leadDays.get(a.sku) ?? 0) > 10) - Number((leadDays.get(b.sku) ?? 0) > 10));
  for (const pattern of role.patterns) {
    const matches = free.filter((item) => pattern.test(item.name));
    if (matches.length > 0) return quickFirst(matches)[0];
  }
  const sameUnit = free.filter((item) => item.unit === role.unit);
  return quickFirst(sameUnit.length > 0 ? sameUnit : free)[0];
}

/**
 * Unit cost of a made item by its first BOM version: each component × quantity per × (1 + scrap), a made component
 * at its own rolled cost, plus the assembly labour.
 */
function rolledCost(
  sku: string,
  boms: readonly DemoBom[],
  costs: ReadonlyMap<string, number>,
  labourMinutes: ReadonlyMap<string, number>,
): number {
  const bom = boms.find((b) => b.sku === sku);
  if (!bom) return costs.get(sku) ?? 0;
  let material = 0;
  for (const line of bom.lines) {
    material += rolledCost(line.sku, boms, costs, labourMinutes) * line.quantityPer * (1 + line.scrapFactor);
  }
  return Math.max(1, Math.round(material + (labourMinutes.get(sku) ?? 0) * LABOUR_MINOR_PER_MINUTE));
}
