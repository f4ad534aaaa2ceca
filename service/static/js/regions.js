// UN M49 regions offered by the region filters: each continent followed by its sub-regions (names in the message
// files, see regionName). The service's table is matcher/understand/m49.py; these are the codes a person picks from.

export const REGION_TREE = [
  ["002", ["015", "202", "011", "014", "017", "018"]],
  ["019", ["419", "029", "013", "005", "021"]],
  ["142", ["143", "030", "035", "034", "145"]],
  ["150", ["151", "154", "039", "155"]],
  ["009", ["053", "054", "057", "061"]],
];

/** [code, label] pairs for a <select>: continents, then their sub-regions indented. */
export function regionOptions(regionName) {
  return REGION_TREE.flatMap(([continent, subs]) => [
    [continent, regionName(continent)],
    ...subs.map((code) => [code, `\u00a0\u00a0${regionName(code)}`]),
  ]);
}
