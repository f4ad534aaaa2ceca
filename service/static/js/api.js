// The only place that talks to the HTTP API. Every failure becomes an ApiError with a kind the views can explain.
// An API key, when the user gives one, is kept for this browser tab only (sessionStorage) and sent as a Bearer token.

const KEY_STORAGE = "matcher.apiKey";

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? "";
  } catch {
    return "";
  }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage may be disabled: the key is then not kept */
  }
}

export class ApiError extends Error {
  /**
   * @param {"network"|"invalid"|"notFound"|"unauthorised"|"service"} kind
   * @param {number} status HTTP status, 0 when the service could not be reached
   * @param {string} detail the API's own explanation, for 4xx answers only (never a raw server page)
   * @param {boolean} sentence true when that explanation is one sentence (a string ``detail``), not a list of fields
   */
  constructor(kind, status, detail = "", sentence = false) {
    super(detail || `${kind} (${status})`);
    this.kind = kind;
    this.status = status;
    this.detail = detail;
    this.sentence = sentence;
  }
}

/** FastAPI's ``detail``: a string, or pydantic's list of {loc, msg}. */
function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        const where = (item.loc ?? []).filter((part) => part !== "body").join(".");
        const message = String(item.msg ?? "").replace(/^Value error, /, "");
        return where ? `${where}: ${message}` : message;
      })
      .join("; ");
  }
  return "";
}

function kindOf(status) {
  if (status === 401 || status === 403) return "unauthorised";
  if (status === 404) return "notFound";
  if (status >= 400 && status < 500) return "invalid";
  return "service";
}

/** ``key``: send this key instead of the tab's (to check a key before keeping it). */
export async function request(path, { method = "GET", body, signal, key = apiKey() } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers.Authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(path, { method, signal, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("network", 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null; // a proxy's HTML error page, an empty 204: never shown to the user
  }
  if (!response.ok) {
    const kind = kindOf(response.status);
    const detail = kind === "service" ? "" : detailText(data?.detail);
    throw new ApiError(kind, response.status, detail, kind !== "service" && typeof data?.detail === "string");
  }
  return data;
}

/** ``?a=1&b=x`` from the parameters that have a value. */
function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== "");
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)]))}` : "";
}

export const api = {
  get: (path) => request(path),
  health: () => request("/v1/health"),
  summary: () => request("/v1/catalog/summary"),
  /** One page of partners (``{data, count, total, next_cursor}``) whose name holds ``q``; hidden ones only to their key. */
  searchPartners: (params, signal) => request(`/v1/catalog/partners${query(params)}`, { signal }),
  searchProjects: (params, signal) => request(`/v1/catalog/projects${query(params)}`, { signal }),
  project: (id) => request(`/v1/projects/${encodeURIComponent(id)}`),
  /** Whom a key acts for: ``{scope, partner_id, name}``; 401 for a key that is not valid. */
  me: (key) => request("/v1/me", key === undefined ? {} : { key }),
  assignments: (body, signal) => request("/v1/action-groups/assignments", { method: "POST", body, signal }),
  collaborators: (query, signal) => request("/v1/recommendations/collaborators", { method: "POST", body: query, signal }),
  partner: (id) => request(`/v1/partners/${encodeURIComponent(id)}`),
  similar: (id, k = 10) => request(`/v1/partners/${encodeURIComponent(id)}/similar?k=${k}`),
  groupsFor: (id, k = 10) => request(`/v1/partners/${encodeURIComponent(id)}/action-groups?k=${k}`),
  candidates: (id, k = 10) => request(`/v1/action-groups/${encodeURIComponent(id)}/candidates?k=${k}`),
  themes: () => request("/v1/themes"),
  feedback: (body) => request("/v1/feedback", { method: "POST", body }),
  consortium: (body, signal) => request("/v1/recommendations/consortium", { method: "POST", body, signal }),
};

/** Which optional endpoints this server has, read from its OpenAPI document; null means "unknown, try it". */
export async function features() {
  try {
    const doc = await request("/openapi.json");
    const paths = doc?.paths ?? {};
    const gapsPath = Object.keys(paths).find((path) => /^\/v1\/themes\/[^{}]*gap/.test(path)) ?? null;
    return { feedback: "/v1/feedback" in paths, themes: "/v1/themes" in paths, gapsPath };
  } catch {
    return { feedback: null, themes: null, gapsPath: null };
  }
}
