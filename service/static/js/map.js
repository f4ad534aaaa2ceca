// Suggestions (or a team's members) on a world map by country, offline: the geometry is world-atlas's
// countries-110m.json (TopoJSON, Natural Earth), vendored under /static/vendor with its licence; ISO numeric ids are
// turned into alpha-2 codes with i18n-iso-countries' codes.json. No tiles, no CDN, no library: TopoJSON is decoded
// here (arcs delta-decoded, quantized transform) and drawn in an equirectangular projection.
// The list stays the primary view; on the map each country with items is hatched (not colour alone) and carries a
// numbered marker that is a button: its name says the country, the count and the names; Enter moves to the list.

import { h } from "./dom.js";
import { countryName, formatList, formatNumber, t, tn } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const VENDOR = "/static/vendor/";
const SCALE = 2; // SVG units per degree
const TOP = 84; // latitudes drawn: 84°N to 58°S (Antarctica left out)
const BOTTOM = -58;

let geometry = null; // Promise<{shapes: Map<alpha2, rings[]>}>

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}

/** The rings (arrays of [lon, lat]) of every country with an ISO code, by alpha-2 code. */
export function decodeTopology(topology, codes) {
  const numericToAlpha2 = new Map(codes.map(([alpha2, , numeric]) => [numeric, alpha2]));
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
  const ring = (indexes) =>
    unwrap(
      indexes.flatMap((i, n) => {
        const points = i < 0 ? [...arcs[~i]].reverse() : arcs[i];
        return n === 0 ? points : points.slice(1);
      }),
    );
  const shapes = new Map();
  for (const geom of topology.objects.countries.geometries) {
    const code = numericToAlpha2.get(geom.id);
    if (!code) continue;
    const polygons = geom.type === "Polygon" ? [geom.arcs] : geom.type === "MultiPolygon" ? geom.arcs : [];
    shapes.set(code, polygons.map((polygon) => polygon.map(ring)));
  }
  return shapes;
}

/** A ring that crosses the antimeridian (Fiji, Chukotka) continues east of 180° instead of jumping across the map. */
function unwrap(points) {
  const jumps = points.some(([lon], i) => i > 0 && Math.abs(lon - points[i - 1][0]) > 180);
  return jumps ? points.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : points;
}

function loadGeometry() {
  geometry ??= Promise.all([fetch(`${VENDOR}world-atlas/countries-110m.json`), fetch(`${VENDOR}i18n-iso-countries/codes.json`)])
    .then(async ([topo, codes]) => {
      if (!topo.ok || !codes.ok) throw new Error("map geometry unavailable");
      return decodeTopology(await topo.json(), await codes.json());
    })
    .catch((error) => {
      geometry = null; // try again next time
      throw error;
    });
  return geometry;
}

const project = ([lon, lat]) => [(lon + 180) * SCALE, (TOP - Math.max(BOTTOM - 2, lat)) * SCALE];

function pathData(polygons) {
  return polygons
    .flatMap((polygon) => polygon.map((ring) => `M${ring.map((point) => project(point).map((v) => v.toFixed(1)).join(",")).join("L")}Z`))
    .join("");
}

/** Where a country's marker goes: the centre of the bounding box of its largest polygon. */
function anchor(polygons) {
  let best = null;
  for (const polygon of polygons) {
    const xs = polygon[0].map(([lon]) => lon);
    const ys = polygon[0].map(([, lat]) => lat);
    const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const area = (box[2] - box[0]) * (box[3] - box[1]);
    if (!best || area > best.area) best = { area, box };
  }
  return project([Math.min(176, (best.box[0] + best.box[2]) / 2), (best.box[1] + best.box[3]) / 2]);
}

/**
 * A figure with the world map of ``items`` ({country, name}) by country; drawn once the geometry has loaded.
 * @param {(code: string) => void} onCountry called when a country's marker is chosen (click, Enter or Space)
 */
export function membersMap(items, { onCountry } = {}) {
  const byCountry = new Map();
  for (const item of items) if (item.country) byCountry.set(item.country, [...(byCountry.get(item.country) ?? []), item.name]);
  if (!byCountry.size) return null;
  const figure = h(
    "figure",
    { class: "world-map", "aria-labelledby": "map-title" },
    h("figcaption", {}, h("h3", { id: "map-title" }, t("map.title")), h("p", { class: "hint" }, t("map.caption"))),
  );
  const holder = h("div", { class: "map-holder", dir: "ltr" });
  figure.append(holder);
  loadGeometry()
    .then((shapes) => draw(holder, figure, shapes, byCountry, onCountry))
    .catch(() => holder.replaceWith(h("p", { class: "notice" }, t("map.unavailable"))));
  return figure;
}

function draw(holder, figure, shapes, byCountry, onCountry) {
  const width = 360 * SCALE;
  const height = (TOP - BOTTOM) * SCALE;
  const hatch = svg(
    "pattern",
    { id: "map-hatch", width: 4, height: 4, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    svg("rect", { width: 4, height: 4, class: "hatch-ground" }),
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, class: "hatch-line" }),
  );
  const land = svg("g", { class: "land", "aria-hidden": "true" });
  for (const [code, polygons] of shapes) {
    land.append(svg("path", { d: pathData(polygons), class: byCountry.has(code) ? "country has-items" : "country", "data-country": code }));
  }
  const markers = svg("g", { class: "markers" });
  const missing = [];
  const ordered = [...byCountry].sort((a, b) => countryName(a[0]).localeCompare(countryName(b[0])));
  for (const [code, names] of ordered) {
    const polygons = shapes.get(code);
    if (!polygons) {
      missing.push(countryName(code));
      continue;
    }
    const [x, y] = anchor(polygons);
    const label = tn("map.country", names.length, { country: countryName(code), names: formatList(names) });
    const choose = () => onCountry?.(code);
    const marker = svg(
      "g",
      { class: "marker", role: "button", tabindex: 0, "aria-label": label, "data-country": code, transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` },
      svg("title", {}, document.createTextNode(label)),
      svg("circle", { r: 9 }),
      svg("text", { "text-anchor": "middle", dy: "0.35em", "aria-hidden": "true" }, document.createTextNode(formatNumber(names.length))),
    );
    marker.addEventListener("click", choose);
    marker.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    markers.append(marker);
  }
  const map = svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "map", role: "group", "aria-label": t("map.label"), focusable: "false" },
    svg("defs", {}, hatch),
    svg("rect", { width, height, class: "sea", "aria-hidden": "true" }),
    land,
    markers,
  );
  holder.append(map);
  if (missing.length) figure.append(h("p", { class: "hint map-missing" }, t("map.missing", { countries: formatList(missing) })));
}
