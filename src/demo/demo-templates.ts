/**
 * What the demo catalogue is made of: item templates per category, the suppliers and the sites.
 * Plain data; `generateDemoCatalogue` turns it into rows with a seeded random source.
 */

export type DemoCategory = 'fasteners' | 'consumables' | 'spare_parts' | 'packaging' | 'safety_gear' | 'raw_materials';
export type Criticality = 'low' | 'medium' | 'high' | 'critical';
export type Region = 'DE' | 'PT' | 'UK' | 'CN';

export type ItemTemplate = {
  category: DemoCategory;
  names: string[];
  unit: string;
  costEur: [number, number];
  criticality: Criticality[];
  shelfLifeDays?: number;
  /** Demand events ("picks") per weekday at the main site: below ~0.5 the item is intermittent. */
  picksPerWeekday: [number, number];
  /** Mean size of one pick, in units. */
  pickUnits: [number, number];
  /** Gamma shape of the pick size: 1 is lumpy, 4 is steady; 0 means exactly `pickUnits`. */
  pickShape: number;
  packUnits: number;
  moqPacks?: number;
  /** Smallest quantity recorded, in milli-units (1000 = whole units, 1 = grams of a kg item). */
  stepMilli: number;
  seasonal?: { amplitude: [number, number]; peakDayOfYear: number };
  saleShare: number;
};

/** Items per category in the default 300-item catalogue. */
export const CATEGORY_QUOTAS: Record<DemoCategory, number> = {
  fasteners: 75,
  consumables: 55,
  spare_parts: 60,
  packaging: 35,
  safety_gear: 35,
  raw_materials: 40,
};

export const CATEGORY_PREFIX: Record<DemoCategory, string> = {
  fasteners: 'FAS',
  consumables: 'CON',
  spare_parts: 'SPR',
  packaging: 'PKG',
  safety_gear: 'SAF',
  raw_materials: 'RAW',
};

/** `expand('Bolt {0} x {1}', ['M6', 'M8'], ['20', '30'])` → the four combinations. */
function expand(pattern: string, ...lists: string[][]): string[] {
  let names = [pattern];
  lists.forEach((list, index) => {
    names = names.flatMap((name) => list.map((value) => name.replace(`{${index}}`, value)));
  });
  return names;
}

const LOW: Criticality[] = ['low', 'low', 'medium'];
const MEDIUM: Criticality[] = ['low', 'medium', 'medium', 'high'];
const HIGH: Criticality[] = ['medium', 'high', 'high', 'critical'];
const CRITICAL: Criticality[] = ['high', 'critical', 'critical'];
const PIECE = 1000;

const fastener = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'fasteners',
  names,
  unit: 'pcs',
  costEur: [0.03, 0.3],
  criticality: LOW,
  picksPerWeekday: [2, 10],
  pickUnits: [4, 20],
  pickShape: 2,
  packUnits: 100,
  stepMilli: PIECE,
  saleShare: 0.3,
  ...extra,
});

const consumable = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'consumables',
  names,
  unit: 'pcs',
  costEur: [1, 5],
  criticality: MEDIUM,
  picksPerWeekday: [1, 5],
  pickUnits: [1, 3],
  pickShape: 2,
  packUnits: 10,
  stepMilli: PIECE,
  saleShare: 0.2,
  ...extra,
});

const sparePart = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'spare_parts',
  names,
  unit: 'pcs',
  costEur: [20, 80],
  criticality: HIGH,
  picksPerWeekday: [0.02, 0.15],
  pickUnits: [1, 2],
  pickShape: 1,
  packUnits: 1,
  stepMilli: PIECE,
  saleShare: 0.25,
  ...extra,
});

const packaging = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'packaging',
  names,
  unit: 'pcs',
  costEur: [0.3, 3],
  criticality: ['low', 'medium'],
  picksPerWeekday: [2, 10],
  pickUnits: [2, 10],
  pickShape: 2,
  packUnits: 25,
  stepMilli: PIECE,
  seasonal: { amplitude: [0.1, 0.35], peakDayOfYear: 330 },
  saleShare: 0.15,
  ...extra,
});

const safety = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'safety_gear',
  names,
  unit: 'pcs',
  costEur: [3, 15],
  criticality: ['medium', 'high'],
  picksPerWeekday: [0.5, 3],
  pickUnits: [1, 2],
  pickShape: 2,
  packUnits: 10,
  stepMilli: PIECE,
  saleShare: 0.35,
  ...extra,
});

const raw = (names: string[], extra: Partial<ItemTemplate> = {}): ItemTemplate => ({
  category: 'raw_materials',
  names,
  unit: 'm',
  costEur: [5, 25],
  criticality: ['medium', 'high', 'critical'],
  picksPerWeekday: [0.4, 2],
  pickUnits: [0.5, 3],
  pickShape: 1.5,
  packUnits: 6,
  stepMilli: 10,
  saleShare: 0.05,
  ...extra,
});

export const ITEM_TEMPLATES: ItemTemplate[] = [
  // Fasteners: fast, steady, cheap, sold in boxes.
  fastener(expand('Hex bolt DIN 933 {0} x {1} zinc plated', ['M6', 'M8', 'M10', 'M12'], ['20', '30', '40', '60'])),
  fastener(expand('Hex nut DIN 934 {0}', ['M5', 'M6', 'M8', 'M10', 'M12', 'M16']), {
    costEur: [0.02, 0.15],
    packUnits: 200,
    pickUnits: [5, 25],
  }),
  fastener(expand('Washer DIN 125 {0}', ['M5', 'M6', 'M8', 'M10', 'M12', 'M16']), {
    costEur: [0.01, 0.08],
    packUnits: 500,
    pickUnits: [5, 30],
  }),
  fastener(expand('Socket cap screw ISO 4762 {0} x {1}', ['M4', 'M5', 'M6', 'M8'], ['12', '16', '25'])),
  fastener(expand('Countersunk screw ISO 10642 {0} x {1}', ['M4', 'M5', 'M6'], ['10', '16', '20']), {
    picksPerWeekday: [0.5, 4],
  }),
  fastener(expand('Self-tapping screw {0}', ['3.5 x 13', '4.2 x 16', '4.8 x 19', '5.5 x 25']), { packUnits: 500 }),
  fastener(expand('Blind rivet aluminium {0}', ['3.2 x 8', '4.0 x 10', '4.8 x 12', '4.8 x 16']), { packUnits: 500 }),
  fastener(expand('Threaded rod DIN 976 {0} x 1 m', ['M8', 'M10', 'M12']), {
    costEur: [1.2, 3.5],
    picksPerWeekday: [0.3, 1.5],
    pickUnits: [1, 3],
    packUnits: 10,
  }),
  fastener(expand('Nylon wall plug {0} mm', ['6', '8', '10', '12'])),
  fastener(expand('Spring lock washer {0}', ['M6', 'M8', 'M10']), { costEur: [0.01, 0.05], packUnits: 500 }),
  fastener(expand('Stainless hex bolt A2 {0} x {1}', ['M6', 'M8', 'M10'], ['25', '40']), {
    costEur: [0.15, 0.8],
    picksPerWeekday: [0.15, 0.8],
    pickShape: 1,
    packUnits: 50,
  }),
  fastener(expand('Anchor bolt {0}', ['M10 x 95', 'M12 x 110']), {
    costEur: [0.8, 2.5],
    picksPerWeekday: [0.1, 0.4],
    pickUnits: [4, 12],
    pickShape: 1,
    packUnits: 20,
  }),

  // Consumables: steady, some weighed or measured, some with a shelf life.
  consumable(expand('Cutting disc {0} mm for steel', ['115', '125', '230']), { packUnits: 25 }),
  consumable(expand('Flap disc 125 mm grit {0}', ['40', '60', '80', '120'])),
  consumable(expand('Abrasive cloth roll grit {0}', ['80', '120', '180', '240']), {
    unit: 'm',
    stepMilli: 100,
    costEur: [1.5, 3],
    picksPerWeekday: [0.5, 2],
    pickUnits: [0.5, 3],
    packUnits: 50,
  }),
  consumable(expand('MIG welding wire SG2 {0} mm', ['0.8', '1.0', '1.2']), {
    unit: 'kg',
    stepMilli: 1,
    costEur: [2.5, 4],
    pickUnits: [0.5, 4],
    packUnits: 15,
  }),
  consumable(expand('Welding electrode E6013 {0} mm', ['2.5', '3.2']), {
    unit: 'kg',
    stepMilli: 1,
    costEur: [4, 7],
    pickUnits: [0.3, 1.5],
    packUnits: 5,
  }),
  consumable(['Cleaning solvent'], {
    unit: 'l',
    stepMilli: 100,
    costEur: [3, 5],
    shelfLifeDays: 730,
    pickUnits: [0.5, 2],
    packUnits: 5,
  }),
  consumable(['Degreaser spray 400 ml'], { shelfLifeDays: 1095, packUnits: 12 }),
  consumable(['Lubricating grease EP2'], {
    unit: 'kg',
    stepMilli: 1,
    costEur: [6, 9],
    shelfLifeDays: 1095,
    pickUnits: [0.2, 1],
    packUnits: 5,
  }),
  consumable(['Hydraulic oil HLP 46'], {
    unit: 'l',
    stepMilli: 100,
    costEur: [2.5, 4],
    shelfLifeDays: 1825,
    picksPerWeekday: [0.2, 0.6],
    pickUnits: [2, 10],
    pickShape: 1,
    packUnits: 20,
  }),
  consumable(['Threadlocker medium strength 50 ml'], { costEur: [8, 14], shelfLifeDays: 540 }),
  consumable(['Epoxy adhesive 50 ml'], { costEur: [6, 10], shelfLifeDays: 365, picksPerWeekday: [0.3, 1] }),
  consumable(expand('Cable ties {0} mm, pack of 100', ['200 x 4.8', '300 x 4.8', '380 x 7.6']), { unit: 'pack' }),
  consumable(expand('HSS drill bit {0} mm', ['3', '4', '5', '6', '8', '10', '12']), {
    costEur: [1, 8],
    picksPerWeekday: [0.5, 3],
  }),
  consumable(expand('Machine tap {0}', ['M6', 'M8', 'M10']), {
    costEur: [6, 12],
    picksPerWeekday: [0.1, 0.4],
    pickShape: 1,
    packUnits: 5,
  }),
  consumable(expand('Marker pen {0}', ['black', 'red', 'white paint'])),
  consumable(['Shop towel roll'], { unit: 'roll', costEur: [8, 12], packUnits: 6 }),
  consumable(['Coolant concentrate'], {
    unit: 'l',
    stepMilli: 100,
    costEur: [4, 7],
    shelfLifeDays: 365,
    pickUnits: [1, 5],
    packUnits: 20,
  }),
  consumable(['Argon/CO2 gas cylinder 20 l'], {
    costEur: [40, 60],
    picksPerWeekday: [0.1, 0.4],
    pickUnits: [1, 1],
    pickShape: 0,
    packUnits: 1,
  }),
  consumable(['Masking tape 30 mm'], { unit: 'roll', packUnits: 36 }),
  consumable(['Silicone sealant clear 310 ml'], { shelfLifeDays: 365, packUnits: 12 }),
  consumable(['Bandsaw blade 2450 mm'], { costEur: [20, 35], picksPerWeekday: [0.1, 0.3], packUnits: 1 }),
  consumable(['Grinding wheel 200 x 25'], { costEur: [15, 30], picksPerWeekday: [0.05, 0.2], packUnits: 1 }),
  consumable(['Penetrating oil spray 400 ml'], { shelfLifeDays: 1095, packUnits: 12 }),
  consumable(['Hand cleaner paste 2 l'], { costEur: [7, 11], shelfLifeDays: 730, packUnits: 6 }),
  consumable(expand('Masonry drill bit {0} mm', ['6', '8', '10', '12']), { picksPerWeekday: [0.3, 1.5] }),
  consumable(expand('Jigsaw blades for {0}, pack of 5', ['wood', 'metal']), { unit: 'pack' }),
  consumable(expand('Spray paint RAL {0} 400 ml', ['9005', '7035']), { shelfLifeDays: 730, packUnits: 6 }),

  // Spare parts: rare, lumpy, expensive; a stock-out can stop a line.
  sparePart(
    expand('Deep groove ball bearing {0}-2RS', ['6201', '6202', '6203', '6204', '6205', '6206', '6305', '6308']),
    { costEur: [3, 25], picksPerWeekday: [0.05, 0.5], pickUnits: [1, 4] },
  ),
  sparePart(expand('V-belt {0}', ['SPA 1250', 'SPZ 1000', 'XPA 1400', 'SPB 2000']), { costEur: [8, 30] }),
  sparePart(expand('Inductive proximity sensor {0} PNP', ['M12', 'M18']), { costEur: [25, 60] }),
  sparePart(['Photoelectric sensor, diffuse'], { costEur: [60, 120] }),
  sparePart(expand('Contactor 24 V DC {0}', ['9 A', '18 A', '32 A']), { costEur: [30, 90] }),
  sparePart(expand('Motor protection breaker {0}', ['1.6-2.5 A', '4-6.3 A', '9-14 A']), { costEur: [45, 80] }),
  sparePart(expand('Hydraulic seal kit, cylinder {0} mm', ['40', '63', '80']), {
    unit: 'set',
    costEur: [25, 70],
    criticality: CRITICAL,
  }),
  sparePart(expand('Pneumatic cylinder ISO 15552 {0}', ['32 x 100', '50 x 200']), { costEur: [80, 160] }),
  sparePart(expand('Solenoid valve 5/2 {0} 24 V DC', ['G1/8', 'G1/4']), { costEur: [45, 95] }),
  sparePart(expand('Timing belt {0}', ['HTD 8M-1200-30', 'HTD 5M-800-15']), { costEur: [25, 60] }),
  sparePart(expand('Gear motor {0} kW', ['0.37', '0.75']), {
    costEur: [350, 650],
    picksPerWeekday: [0.005, 0.02],
    pickUnits: [1, 1],
    criticality: CRITICAL,
  }),
  sparePart(expand('Fuse gG {0} A', ['2', '4', '10', '16']), {
    costEur: [0.8, 2],
    picksPerWeekday: [0.1, 0.6],
    pickUnits: [1, 5],
    packUnits: 10,
    criticality: MEDIUM,
  }),
  sparePart(['Safety relay 24 V DC'], { costEur: [90, 160], criticality: CRITICAL }),
  sparePart(expand('Hydraulic filter cartridge {0} µm', ['10', '25']), {
    costEur: [30, 60],
    picksPerWeekday: [0.05, 0.2],
  }),
  sparePart(['Compressed air filter element'], { costEur: [20, 40] }),
  sparePart(expand('Conveyor roller 50 x {0}', ['600', '800']), {
    costEur: [18, 30],
    picksPerWeekday: [0.05, 0.3],
    pickUnits: [1, 6],
  }),
  sparePart(expand('Jaw coupling spider {0}', ['19/24', '24/32', '28/38']), { costEur: [5, 15] }),
  sparePart(['Incremental encoder 1024 ppr'], { costEur: [180, 320], criticality: CRITICAL }),
  sparePart(expand('Frequency inverter {0} kW', ['1.5', '4']), {
    costEur: [420, 900],
    picksPerWeekday: [0.003, 0.01],
    pickUnits: [1, 1],
    criticality: CRITICAL,
  }),
  sparePart(['PLC digital input module, 16 channels'], { costEur: [150, 260], criticality: CRITICAL }),
  sparePart(expand('Linear bearing {0}', ['LM16UU', 'LM20UU']), { costEur: [4, 12] }),
  sparePart(['Roller chain 1/2", 5 m'], { costEur: [40, 70] }),
  sparePart(['Pump mechanical seal 25 mm'], { costEur: [60, 120], criticality: CRITICAL }),
  sparePart(['Thermostat 0-120 °C'], { costEur: [30, 60] }),
  sparePart(['Limit switch, roller lever'], { costEur: [25, 45] }),
  sparePart(expand('Shaft seal {0}', ['25 x 40 x 7', '35 x 52 x 7', '45 x 62 x 8']), {
    costEur: [2, 6],
    picksPerWeekday: [0.1, 0.5],
    pickUnits: [1, 3],
  }),
  sparePart(['Emergency stop button'], { costEur: [20, 35] }),
  sparePart(expand('Pressure gauge 0-{0} bar', ['10', '250']), { costEur: [15, 40] }),

  // Packaging: steady, busier before Christmas.
  packaging(
    expand('Folding carton {0} mm', ['300 x 200 x 150', '400 x 300 x 200', '600 x 400 x 400', '800 x 600 x 400']),
  ),
  packaging(['Stretch film 500 mm, 23 µm'], {
    unit: 'roll',
    costEur: [9, 14],
    picksPerWeekday: [1, 3],
    pickUnits: [1, 2],
    packUnits: 6,
  }),
  packaging(expand('Packing tape {0} 50 mm', ['brown', 'clear', 'printed']), {
    unit: 'roll',
    costEur: [1, 3],
    packUnits: 36,
  }),
  packaging(['Bubble wrap 1000 mm'], { unit: 'm', stepMilli: 100, costEur: [0.3, 0.6], packUnits: 100 }),
  packaging(['EUR pallet 1200 x 800'], {
    costEur: [12, 18],
    picksPerWeekday: [1, 4],
    pickUnits: [1, 3],
    packUnits: 1,
    moqPacks: 10,
  }),
  packaging(['Pallet collar 1200 x 800'], { costEur: [8, 12], pickUnits: [1, 3], packUnits: 10 }),
  packaging(['Kraft paper roll 750 mm'], { unit: 'm', stepMilli: 100, costEur: [0.1, 0.3], packUnits: 300 }),
  packaging(['Thermal label 100 x 150'], { unit: 'roll', costEur: [3, 6], packUnits: 12 }),
  packaging(['PP strapping band 12 mm'], { unit: 'roll', costEur: [15, 25], pickUnits: [1, 1], packUnits: 4 }),
  packaging(['Void fill paper'], { unit: 'pack', costEur: [20, 30], pickUnits: [1, 2], packUnits: 5 }),
  packaging(['Corner protector 35 x 35'], { costEur: [0.1, 0.3], packUnits: 500 }),
  packaging(expand('Shipping bag {0}', ['A4', 'A3']), { costEur: [0.1, 0.4], packUnits: 100 }),
  packaging(expand('Mailer box size {0}', ['S', 'M', 'L'])),
  packaging(expand('Foam insert {0}', ['small', 'large']), { picksPerWeekday: [0.3, 1.5] }),
  packaging(['Desiccant bag 10 g'], { costEur: [0.05, 0.15], shelfLifeDays: 730, packUnits: 200 }),
  packaging(expand('Zip poly bag {0}', ['100 x 150', '150 x 200', '200 x 300']), {
    costEur: [0.02, 0.08],
    packUnits: 1000,
    pickUnits: [10, 50],
  }),
  packaging(['Air pillow film roll'], { unit: 'roll', costEur: [25, 40], pickUnits: [1, 1], packUnits: 2 }),
  packaging(['Pallet cover sheet'], { costEur: [0.5, 1] }),
  packaging(['Document pouch A5'], { costEur: [0.03, 0.06], packUnits: 1000 }),
  packaging(['Fragile label roll'], { unit: 'roll', costEur: [4, 8], picksPerWeekday: [0.2, 0.8], packUnits: 10 }),
  packaging(['Folding carton 200 x 150 x 100 mm']),
  packaging(['Edge protector board 1 m'], { costEur: [0.4, 0.8], packUnits: 100 }),
  packaging(['Steel strapping 16 mm'], { unit: 'roll', costEur: [40, 60], picksPerWeekday: [0.1, 0.4], packUnits: 1 }),
  packaging(['Paper cushioning roll'], { unit: 'roll', costEur: [30, 45], pickUnits: [1, 1], packUnits: 2 }),

  // Safety gear: steady, a stock-out stops work; boots by size are intermittent; winter gloves seasonal.
  safety(expand('Nitrile gloves size {0}, box of 100', ['S', 'M', 'L', 'XL']), {
    unit: 'box',
    costEur: [6, 9],
    picksPerWeekday: [1, 4],
  }),
  safety(expand('Cut-resistant gloves size {0}', ['8', '9', '10', '11']), { unit: 'pair', packUnits: 12 }),
  safety(expand('Safety glasses, {0} lens', ['clear', 'tinted'])),
  safety(['Foam ear plugs, box of 200'], { unit: 'box', costEur: [20, 30] }),
  safety(expand('Hi-vis vest size {0}', ['L', 'XL', 'XXL']), { picksPerWeekday: [0.1, 0.5] }),
  safety(['FFP2 respirator, box of 20'], { unit: 'box', costEur: [15, 25], shelfLifeDays: 1095 }),
  safety(['Respirator filter A2P3'], {
    unit: 'pair',
    costEur: [18, 30],
    shelfLifeDays: 1825,
    criticality: ['high', 'critical'],
  }),
  safety(['Safety helmet'], { costEur: [8, 15], picksPerWeekday: [0.1, 0.4] }),
  safety(expand('Safety boots S3 size {0}', ['40', '41', '42', '43', '44', '45', '46']), {
    unit: 'pair',
    costEur: [45, 80],
    picksPerWeekday: [0.01, 0.06],
    pickUnits: [1, 1],
    pickShape: 0,
    packUnits: 1,
  }),
  safety(['First aid kit refill'], { costEur: [25, 40], shelfLifeDays: 1095, picksPerWeekday: [0.05, 0.2] }),
  safety(['Eye wash bottle 500 ml'], {
    costEur: [6, 10],
    shelfLifeDays: 730,
    picksPerWeekday: [0.05, 0.2],
    criticality: CRITICAL,
  }),
  safety(expand('Winter work gloves size {0}', ['9', '10']), {
    unit: 'pair',
    seasonal: { amplitude: [0.7, 0.9], peakDayOfYear: 15 },
  }),
  safety(['Welding gloves'], { unit: 'pair' }),
  safety(['Auto-darkening welding lens'], { costEur: [60, 110], picksPerWeekday: [0.02, 0.08], packUnits: 1 }),
  safety(['Earmuff hearing protector'], { costEur: [12, 20], picksPerWeekday: [0.1, 0.4] }),
  safety(expand('Disposable coverall size {0}', ['L', 'XL'])),
  safety(['Face shield visor'], { picksPerWeekday: [0.1, 0.4] }),
  safety(['Knee pads'], { unit: 'pair', picksPerWeekday: [0.05, 0.2] }),

  // Raw materials: cut to length or weighed, bought in bars, sheets and bags.
  raw(expand('Steel sheet S235 {0} mm, 1000 x 2000', ['1', '2', '3', '5']), {
    unit: 'sheet',
    stepMilli: PIECE,
    costEur: [25, 110],
    pickUnits: [1, 4],
    packUnits: 1,
    moqPacks: 5,
  }),
  raw(expand('Stainless sheet 1.4301 {0} mm, 1000 x 2000', ['1', '1.5', '2']), {
    unit: 'sheet',
    stepMilli: PIECE,
    costEur: [90, 200],
    picksPerWeekday: [0.1, 0.5],
    pickUnits: [1, 2],
    packUnits: 1,
  }),
  raw(expand('Aluminium round bar 6082 Ø{0} mm', ['20', '30', '40', '50']), { packUnits: 3 }),
  raw(expand('Steel flat bar {0} mm', ['20 x 5', '30 x 5', '40 x 8', '50 x 10'])),
  raw(expand('Steel square tube {0} mm', ['20 x 20 x 2', '40 x 40 x 3', '60 x 60 x 4'])),
  raw(expand('Copper wire H07V-K {0} mm²', ['1.5', '2.5', '4']), {
    stepMilli: 500,
    costEur: [0.3, 1.2],
    pickUnits: [5, 30],
    packUnits: 100,
  }),
  raw(['Epoxy resin'], { unit: 'kg', stepMilli: 1, costEur: [15, 25], shelfLifeDays: 365, packUnits: 25 }),
  raw(['Epoxy hardener'], { unit: 'kg', stepMilli: 1, costEur: [18, 30], shelfLifeDays: 365, packUnits: 10 }),
  raw(['PE granulate, natural'], {
    unit: 'kg',
    stepMilli: 1,
    costEur: [1.2, 1.8],
    pickUnits: [20, 100],
    packUnits: 25,
    moqPacks: 8,
  }),
  raw(['PP granulate, black'], {
    unit: 'kg',
    stepMilli: 1,
    costEur: [1.1, 1.6],
    pickUnits: [20, 100],
    packUnits: 25,
    moqPacks: 8,
  }),
  raw(expand('Powder coating RAL {0}', ['9005', '7035', '5010', '3000']), {
    unit: 'kg',
    stepMilli: 1,
    costEur: [8, 14],
    shelfLifeDays: 365,
    pickUnits: [1, 5],
    packUnits: 20,
  }),
  raw(expand('Steel round bar C45 Ø{0} mm', ['20', '40'])),
  raw(expand('Aluminium sheet 5754 {0} mm, 1000 x 2000', ['2', '3']), {
    unit: 'sheet',
    stepMilli: PIECE,
    costEur: [60, 120],
    pickUnits: [1, 2],
    packUnits: 1,
  }),
  raw(expand('Brass rod CuZn39Pb3 Ø{0} mm', ['10', '20']), { costEur: [12, 40], picksPerWeekday: [0.1, 0.5] }),
  raw(['Silicone rubber sheet 3 mm, 1 m wide'], { costEur: [30, 45], picksPerWeekday: [0.1, 0.4], packUnits: 10 }),
  raw(['Glass fibre mat 450 g/m²'], { unit: 'kg', stepMilli: 1, costEur: [3, 5], pickUnits: [1, 5], packUnits: 30 }),
  raw(['Polyurethane foam block'], { unit: 'pcs', stepMilli: PIECE, costEur: [20, 35], pickUnits: [1, 2] }),
  raw(['Galvanised wire 2 mm'], { unit: 'kg', stepMilli: 1, costEur: [2, 4], pickUnits: [0.5, 3], packUnits: 25 }),
  raw(['Timber plank 27 x 200 mm'], { costEur: [4, 8], packUnits: 4 }),
];

export type SupplierTemplate = {
  code: string;
  name: string;
  email: string;
  region: Region;
  currency: 'EUR' | 'GBP' | 'USD';
  leadTimeDays: number;
  orderingCostMinor: number;
  reliability: 'good' | 'fair' | 'poor';
  /** Category → weight of being chosen as a source for an item of it. */
  categories: Partial<Record<DemoCategory, number>>;
  /** Price relative to the item's standard cost (overseas is cheaper but slow). */
  priceFactor: number;
  /** ISO weekdays (1 = Monday) on which the supplier takes orders, for a supplier that delivers weekly. */
  orderDays?: number[];
};

export const SUPPLIER_TEMPLATES: SupplierTemplate[] = [
  {
    code: 'SCHRAUB',
    name: 'Schraubenhaus Berlin GmbH',
    email: 'bestellung@schraubenhaus.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 1,
    orderingCostMinor: 1500,
    reliability: 'good',
    categories: { fasteners: 5, consumables: 2 },
    priceFactor: 1.05,
  },
  {
    code: 'WERKBB',
    name: 'Werkstattbedarf Brandenburg KG',
    email: 'auftrag@werkstattbedarf-bb.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 2,
    orderingCostMinor: 1200,
    reliability: 'good',
    categories: { consumables: 4, safety_gear: 2, packaging: 2, fasteners: 1 },
    priceFactor: 1,
  },
  {
    code: 'TEJO',
    name: 'Ferragens do Tejo, Lda.',
    email: 'encomendas@ferragens-tejo.example',
    region: 'PT',
    currency: 'EUR',
    leadTimeDays: 2,
    orderingCostMinor: 1000,
    reliability: 'fair',
    categories: { fasteners: 3, consumables: 3 },
    priceFactor: 0.98,
  },
  {
    code: 'ATLEMB',
    name: 'Embalagens Atlântico, S.A.',
    email: 'vendas@embalagens-atlantico.example',
    region: 'PT',
    currency: 'EUR',
    leadTimeDays: 3,
    orderingCostMinor: 900,
    reliability: 'good',
    categories: { packaging: 6 },
    priceFactor: 0.95,
  },
  {
    code: 'NORDTECH',
    name: 'Nordtech Industriebedarf GmbH',
    email: 'orders@nordtech.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 5,
    orderingCostMinor: 2500,
    reliability: 'good',
    categories: { spare_parts: 3, consumables: 2, fasteners: 2, packaging: 1 },
    priceFactor: 1,
  },
  {
    code: 'SAFEWORK',
    name: 'SafeWork Arbeitsschutz GmbH',
    email: 'service@safework.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 6,
    orderingCostMinor: 2000,
    reliability: 'good',
    categories: { safety_gear: 6 },
    priceFactor: 0.97,
    orderDays: [1],
  },
  {
    code: 'RHEINMET',
    name: 'Metallhandel Rhein-Ruhr GmbH',
    email: 'verkauf@rhein-ruhr-metall.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 7,
    orderingCostMinor: 4000,
    reliability: 'good',
    categories: { raw_materials: 6 },
    priceFactor: 1,
  },
  {
    code: 'IBERCON',
    name: 'Ibéria Consumíveis, S.A.',
    email: 'pedidos@iberia-consumiveis.example',
    region: 'PT',
    currency: 'EUR',
    leadTimeDays: 8,
    orderingCostMinor: 2000,
    reliability: 'poor',
    categories: { consumables: 2, safety_gear: 2, raw_materials: 2, packaging: 1 },
    priceFactor: 0.92,
  },
  {
    code: 'ANTRIEB',
    name: 'Antriebstechnik Süd GmbH',
    email: 'ersatzteile@antriebstechnik-sued.example',
    region: 'DE',
    currency: 'EUR',
    leadTimeDays: 10,
    orderingCostMinor: 3000,
    reliability: 'fair',
    categories: { spare_parts: 5 },
    priceFactor: 1.02,
  },
  {
    code: 'MIDHYD',
    name: 'Midlands Hydraulics Ltd',
    email: 'sales@midlands-hydraulics.example',
    region: 'UK',
    currency: 'GBP',
    leadTimeDays: 9,
    orderingCostMinor: 3500,
    reliability: 'good',
    categories: { spare_parts: 2, consumables: 1 },
    priceFactor: 1.05,
  },
  {
    code: 'SZPREC',
    name: 'Shenzhen Precision Parts Co., Ltd.',
    email: 'export@sz-precision.example',
    region: 'CN',
    currency: 'USD',
    leadTimeDays: 45,
    orderingCostMinor: 18000,
    reliability: 'poor',
    categories: { spare_parts: 3, fasteners: 2 },
    priceFactor: 0.65,
  },
  {
    code: 'NBBEAR',
    name: 'Ningbo Bearing & Transmission Co., Ltd.',
    email: 'trade@nb-bearing.example',
    region: 'CN',
    currency: 'USD',
    leadTimeDays: 35,
    orderingCostMinor: 15000,
    reliability: 'fair',
    categories: { spare_parts: 2, raw_materials: 1 },
    priceFactor: 0.7,
  },
];

/** Units of a currency per euro, fixed for the demo. */
export const PER_EURO: Record<'EUR' | 'GBP' | 'USD', number> = { EUR: 1, GBP: 0.85, USD: 1.08 };

export type SiteTemplate = {
  code: string;
  name: string;
  timeZone: string;
  region: Region;
  /** Demand relative to the main site. */
  demandScale: number;
  /** Share of the catalogue stocked here. */
  stockedShare: number;
  /** Bin code → categories stored in it. */
  bins: Array<{ code: string; name: string; categories: DemoCategory[] }>;
};

export const SITE_TEMPLATES: SiteTemplate[] = [
  {
    code: 'BER',
    name: 'Berlin plant',
    timeZone: 'Europe/Berlin',
    region: 'DE',
    demandScale: 1,
    stockedShare: 1,
    bins: [
      { code: 'BER-A01', name: 'Berlin small-parts rack A', categories: ['fasteners', 'consumables'] },
      { code: 'BER-B01', name: 'Berlin MRO spares shelving B', categories: ['spare_parts'] },
      { code: 'BER-C01', name: 'Berlin bulk racking C', categories: ['raw_materials', 'packaging'] },
      { code: 'BER-D01', name: 'Berlin safety cabinet D', categories: ['safety_gear'] },
    ],
  },
  {
    code: 'LIS',
    name: 'Lisbon warehouse',
    timeZone: 'Europe/Lisbon',
    region: 'PT',
    demandScale: 0.45,
    stockedShare: 0.75,
    bins: [
      { code: 'LIS-A01', name: 'Lisbon small-parts rack A', categories: ['fasteners', 'consumables', 'safety_gear'] },
      { code: 'LIS-B01', name: 'Lisbon spares shelving B', categories: ['spare_parts'] },
      { code: 'LIS-C01', name: 'Lisbon bulk racking C', categories: ['raw_materials', 'packaging'] },
    ],
  },
];
