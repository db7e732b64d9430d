// The admin console's "Claromentis" page: one realm's Entra tenant, guarded identity providers, provisioning
// outbox, last syncs and People API connection, read from the bundle's admin REST endpoints.
//
// Keycloak 26's declarative UI pages can only show configuration forms, so the page is added by this script, which
// keycloak.v2's index.ftl loads after the console's own bundle. It calls the endpoints with the console's own
// sign-in: it notes the access and refresh tokens the console's fetches carry, and refreshes them itself when they
// run out. Every permission is checked by the server; the script only leaves out what the server refused. Values
// from the server are always set as text, never as markup.

const ROUTE = "claromentis";
const PAGE_ID = "claromentis-console-page";
const NAV_ID = "nav-item-claromentis";
const environment = JSON.parse(document.getElementById("environment")?.textContent || "{}");

const tokens = { access: null, refresh: null, expiresAt: 0 };
const allowed = new Map(); // realm -> Promise<state or null>: whether this administrator may see the page there

const originalFetch = window.fetch.bind(window);

window.fetch = async (input, init) => {
  noteBearer(input, init);
  const response = await originalFetch(input, init);
  const url = typeof input === "string" ? input : input?.url || String(input);
  if (response.ok && /\/protocol\/openid-connect\/token$/.test(url.split("?")[0])) {
    response.clone().json().then(noteTokenResponse).catch(() => {});
  }
  return response;
};

function noteBearer(input, init) {
  let header = null;
  if (init?.headers instanceof Headers) {
    header = init.headers.get("Authorization");
  } else if (init?.headers && typeof init.headers === "object") {
    header = init.headers.Authorization || init.headers.authorization || null;
  } else if (input instanceof Request) {
    header = input.headers.get("Authorization");
  }
  if (header && /^bearer /i.test(header)) {
    const token = header.slice(7);
    const expiresAt = jwtExpiry(token);
    if (expiresAt >= tokens.expiresAt) {
      tokens.access = token;
      tokens.expiresAt = expiresAt;
    }
  }
}

function noteTokenResponse(body) {
  if (body && body.access_token) {
    tokens.access = body.access_token;
    tokens.expiresAt = jwtExpiry(body.access_token);
    if (body.refresh_token) {
      tokens.refresh = body.refresh_token;
    }
  }
}

function jwtExpiry(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return (payload.exp || 0) * 1000;
  } catch {
    return 0;
  }
}

async function accessToken() {
  if (tokens.access && tokens.expiresAt - Date.now() > 10_000) {
    return tokens.access;
  }
  if (tokens.refresh) {
    const url = `${environment.authServerUrl.replace(/\/$/, "")}/realms/${encodeURIComponent(environment.realm)}`
      + "/protocol/openid-connect/token";
    const body = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh,
      client_id: environment.clientId,
    });
    const response = await window.fetch(url, { method: "POST", body });
    if (response.ok) {
      noteTokenResponse(await response.json());
      return tokens.access;
    }
  }
  if (tokens.access && tokens.expiresAt > Date.now()) {
    return tokens.access;
  }
  throw new Error("Your admin console session has run out: reload the page to sign in again.");
}

async function call(method, realm, path) {
  const response = await window.fetch(
    `${environment.adminBaseUrl.replace(/\/$/, "")}/admin/realms/${encodeURIComponent(realm)}/${path}`,
    { method, headers: { Authorization: `Bearer ${await accessToken()}`, Accept: "application/json" } },
  );
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = new Error(body?.errorMessage || body?.error || `The server answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

// --- routing -------------------------------------------------------------------------------------------------

function currentRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  // The console's start page has no hash at all: it shows the realm the administrator signed in to.
  return { realm: parts[0] ? decodeURIComponent(parts[0]) : environment.realm || null, page: parts[1] || "" };
}

function stateOf(realm) {
  if (!allowed.has(realm)) {
    allowed.set(realm, call("GET", realm, "claromentis-console").catch((error) => {
      // 403: this administrator may not see the realm's Claromentis state; the page stays out of their console.
      // Until the next visit of the page, so that a failing server is not asked again at every change of the DOM.
      if (error.status !== 403 && error.status !== 401) {
        console.warn("Claromentis page:", error.message);
      }
      return null;
    }));
  }
  return allowed.get(realm);
}

let renderedFor = null;

async function sync() {
  // The masthead's default avatar is decoration beside the administrator's name: screen readers need not announce it.
  for (const avatar of document.querySelectorAll("svg.pf-v5-c-avatar:not([aria-hidden])")) {
    avatar.setAttribute("aria-hidden", "true");
  }
  const { realm, page } = currentRoute();
  // Nothing to ask with before the console's first call to its server.
  if (!realm || !tokens.access || !document.getElementById("kc-main-content-page-container")) {
    return;
  }
  const onPage = page === ROUTE;
  if (!onPage) {
    document.getElementById(PAGE_ID)?.remove();
    renderedFor = null;
  }
  const state = await stateOf(realm);
  if (currentRoute().realm !== realm) {
    return;
  }
  placeNavEntry(realm, state !== null, onPage);
  if (onPage && state && renderedFor !== realm) {
    renderedFor = realm;
    render(realm, state);
  } else if (onPage && !state && renderedFor !== realm) {
    renderedFor = realm;
    showRefused(realm);
  }
}

function placeNavEntry(realm, visible, current) {
  let link = document.getElementById(NAV_ID);
  if (!visible) {
    link?.parentElement?.remove();
    return;
  }
  const href = `#/${encodeURIComponent(realm)}/${ROUTE}`;
  if (!link) {
    const anchor = document.getElementById("nav-item-user-federation")?.parentElement;
    const list = anchor?.parentElement
      || [...document.querySelectorAll(".keycloak__page_nav__nav nav ul")].pop();
    if (!list) {
      return;
    }
    const item = document.createElement("li");
    link = document.createElement("a");
    link.id = NAV_ID;
    link.dataset.testid = NAV_ID;
    link.textContent = "Claromentis";
    item.append(link);
    list.insertBefore(item, anchor ? anchor.nextSibling : null);
  }
  if (link.getAttribute("href") !== href) {
    link.setAttribute("href", href);
  }
  const className = `pf-v5-c-nav__link${current ? " pf-m-current" : ""}`;
  if (link.className !== className) {
    link.className = className;
    link.toggleAttribute("aria-current", current);
    if (current) {
      link.setAttribute("aria-current", "page");
    }
  }
}

// --- the page ------------------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") {
      node.className = value;
    } else if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else if (value !== undefined && value !== null) {
      node.setAttribute(key, value);
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function pageContainer() {
  const main = document.getElementById("kc-main-content-page-container");
  let page = document.getElementById(PAGE_ID);
  if (!page) {
    page = el("div", { id: PAGE_ID, "aria-live": "polite" });
    main.append(page);
  }
  page.replaceChildren();
  return page;
}

function showRefused(realm) {
  pageContainer().append(
    el("h1", { class: "pf-v5-c-title pf-m-2xl" }, "Claromentis"),
    el("p", {}, `You may not see the Claromentis state of realm ${realm}: it needs the realm-management role`
      + " view-realm."),
  );
}

function card(title, id, wide, ...body) {
  return el("section", { class: `pf-v5-c-card${wide ? " claromentis-wide" : ""}`, id, "aria-labelledby": `${id}-title` },
    el("div", { class: "pf-v5-c-card__title" }, el("h2", { class: "pf-v5-c-title pf-m-lg", id: `${id}-title` }, title)),
    el("div", { class: "pf-v5-c-card__body" }, ...body));
}

function facts(rows) {
  return el("dl", { class: "claromentis-facts" },
    rows.filter((row) => row).map(([term, value, testid]) => [
      el("dt", {}, term),
      el("dd", { "data-testid": testid }, value === null || value === undefined || value === "" ? "none" : value),
    ]));
}

function button(label, kind, onclick, testid) {
  return el("button", { type: "button", class: `pf-v5-c-button pf-m-${kind}`, onclick, "data-testid": testid }, label);
}

function when(millis) {
  if (!millis) {
    return "never";
  }
  const seconds = Math.round((Date.now() - millis) / 1000);
  const ago = seconds < 90 ? `${Math.max(seconds, 0)} s ago` : seconds < 5400 ? `${Math.round(seconds / 60)} min ago`
    : seconds < 172800 ? `${Math.round(seconds / 3600)} h ago` : `${Math.round(seconds / 86400)} days ago`;
  return `${new Date(millis).toLocaleString()} (${ago})`;
}

function table(caption, headings, rows, testid) {
  return el("table", { class: "pf-v5-c-table pf-m-compact", "data-testid": testid },
    el("caption", { class: "pf-v5-screen-reader" }, caption),
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: headings.length }, "none"))));
}

async function render(realm, state) {
  const page = pageContainer();
  page.append(
    el("h1", { class: "pf-v5-c-title pf-m-2xl" }, "Claromentis"),
    el("p", {}, `The Claromentis state of realm ${realm}: Microsoft tenant, sign-in guarantees, provisioning and syncs.`),
  );
  const cards = el("div", { class: "claromentis-cards" });
  page.append(cards);
  cards.append(entraCard(state), connectionCard(realm, state));
  const [signIn, outbox, deadLetters] = await Promise.all([
    state.may.viewIdentityProviders ? call("GET", realm, "claromentis-sign-in").catch((e) => e) : null,
    state.may.viewOutbox ? call("GET", realm, "claromentis-outbox").catch((e) => e) : null,
    state.may.viewOutbox ? call("GET", realm, "claromentis-outbox/dead-letters?max=50").catch((e) => e) : null,
  ]);
  if (!page.isConnected) {
    return;
  }
  if (signIn) {
    cards.append(providersCard(signIn));
  }
  if (outbox) {
    cards.append(outboxCard(realm, state, outbox, deadLetters));
  }
  cards.append(syncCard(state));
}

function failure(error) {
  return el("p", { class: "claromentis-bad" }, `Could not be read: ${error.message}`);
}

function entraCard(state) {
  const entra = state.entra;
  return card("Microsoft Entra ID", "claromentis-entra", false, facts([
    ["Tenant of this realm", entra.tenant || "none: Microsoft sign-ins are refused", "entra-tenant"],
    ["Entra ID sign-in providers", entra.signInProviders.join(", "), "entra-providers"],
    ["Entra ID directory syncs", entra.directories.join(", "), "entra-directories"],
    ["Realm attribute claromentis.entra.tenant", entra.realmAttribute, "entra-attribute"],
    ["Guest accounts", entra.guestsAllowed ? "allowed" : "refused", "entra-guests"],
  ]));
}

function providersCard(signIn) {
  if (signIn instanceof Error) {
    return card("Identity providers", "claromentis-providers", true, failure(signIn));
  }
  const rows = signIn.providers.map((p) => el("tr", { "data-testid": `provider-${p.alias}` },
    el("td", {}, p.alias), el("td", {}, p.type), el("td", {}, p.kind),
    el("td", {}, p.firstLoginFlow || "none"),
    el("td", { class: p.status === "guarded" ? "claromentis-good" : "claromentis-bad" },
      p.status + (p.optedOutBy ? ` (${p.optedOutBy})` : ""))));
  return card("Identity providers", "claromentis-providers", true,
    el("p", {}, `First broker login flow of the realm: ${signIn.realmFirstLoginFlow || "none"}`),
    table("Identity providers and their sign-in guarantees", ["Alias", "Type", "Kind", "First login flow", "Status"],
      rows, "providers-table"));
}

function outboxCard(realm, state, outbox, deadLetters) {
  if (outbox instanceof Error) {
    return card("Provisioning outbox", "claromentis-outbox", true, failure(outbox));
  }
  const last = outbox.lastError;
  const body = [facts([
    ["Provisioning", outbox.enabled ? "on" : "off: the realm has no claromentis-provisioning event listener", "outbox-enabled"],
    ["Delivered with", outbox.connection, "outbox-connection"],
    ["Waiting", outbox.pending, "outbox-pending"],
    ["Of which retrying", outbox.retrying, "outbox-retrying"],
    ["Dead letters", outbox.dead, "outbox-dead"],
    ["Oldest waiting change", outbox.oldestWaitingSince ? when(outbox.oldestWaitingSince) : "none", "outbox-oldest"],
    ["Paused until", outbox.heldUntil ? when(outbox.heldUntil) : null, "outbox-held"],
    ["Last delivery error", last ? `${last.type} of ${last.username} (${last.attempts} attempts${last.dead ? ", dead" : ""}):`
      + ` ${last.error}` : null, "outbox-last-error"],
  ])];
  if (deadLetters instanceof Error) {
    body.push(failure(deadLetters));
  } else if (deadLetters) {
    const rows = deadLetters.map((d) => el("tr", { "data-testid": `dead-letter-${d.id}` },
      el("td", {}, d.username), el("td", {}, d.type), el("td", {}, d.attempts), el("td", {}, when(d.createdAt)),
      el("td", {}, d.lastError || ""),
      el("td", {}, state.may.manageOutbox ? el("div", { class: "claromentis-actions" },
        button("Replay", "secondary", () => act(realm, "POST", `claromentis-outbox/dead-letters/${d.id}/replay`),
          `replay-${d.id}`),
        confirmButton("Discard", () => act(realm, "DELETE", `claromentis-outbox/dead-letters/${d.id}`),
          `discard-${d.id}`)) : "")));
    body.push(el("h3", { class: "pf-v5-c-title pf-m-md" }, "Dead letters"),
      table("Dead letters", ["User", "Change", "Attempts", "Queued", "Error", "Actions"], rows, "dead-letters-table"));
    if (state.may.manageOutbox && deadLetters.length > 0) {
      body.push(el("div", { class: "claromentis-actions" },
        button("Replay all", "primary", () => act(realm, "POST", "claromentis-outbox/dead-letters/replay"),
          "replay-all")));
    }
  }
  return card("Provisioning outbox", "claromentis-outbox", true, ...body);
}

function confirmButton(label, action, testid) {
  const node = button(label, "danger", () => {
    if (node.dataset.armed === "true") {
      action();
      return;
    }
    node.dataset.armed = "true";
    node.textContent = `${label}: click again to confirm`;
    setTimeout(() => {
      node.dataset.armed = "false";
      node.textContent = label;
    }, 5000);
  }, testid);
  return node;
}

async function act(realm, method, path) {
  const page = document.getElementById(PAGE_ID);
  try {
    await call(method, realm, path);
  } catch (error) {
    page?.prepend(el("div", { class: "pf-v5-c-alert pf-m-danger", role: "alert" },
      el("p", { class: "pf-v5-c-alert__title" }, `Not done: ${error.message}`)));
    return;
  }
  refresh();
}

function syncCard(state) {
  const cell = (run) => {
    if (!run) {
      return el("td", {}, "never");
    }
    const counts = `${run.added} added, ${run.updated} updated, ${run.removed} removed, ${run.failed} failed`;
    return el("td", { class: run.outcome === "success" ? "" : "claromentis-bad" },
      `${run.outcome} ${when(run.finishedAt)}, ${Math.round((run.finishedAt - run.startedAt) / 100) / 10} s: `
      + (run.error ? run.error : counts));
  };
  const period = (seconds) => (seconds > 0 ? `every ${seconds} s` : "off");
  const rows = state.providers.map((p) => el("tr", { "data-testid": `sync-${p.name}` },
    el("td", {}, p.name), el("td", {}, p.type), el("td", {}, p.enabled ? "enabled" : "disabled"),
    el("td", {}, `full ${period(p.fullSyncPeriod)}, changed ${period(p.changedSyncPeriod)}`),
    cell(p.lastFull), cell(p.lastChanged)));
  return card("Directory and People API syncs", "claromentis-syncs", true,
    table("Last syncs of each user federation provider",
      ["Provider", "Type", "State", "Periodic sync", "Last full sync", "Last changed sync"], rows, "syncs-table"));
}

function connectionCard(realm, state) {
  const api = state.peopleApi;
  const result = el("p", { "data-testid": "test-connection-result", "aria-live": "polite" });
  const body = [facts([
    ["Provider", api ? `${api.component}${api.enabled ? "" : " (disabled: used for provisioning only)"}` : null,
      "people-api-component"],
    ["Address", api?.baseUrl, "people-api-url"],
  ])];
  if (api && state.may.testConnection) {
    body.push(el("div", { class: "claromentis-actions" }, button("Test connection", "secondary", async () => {
      result.className = "";
      result.textContent = "Testing...";
      try {
        const outcome = await call("POST", realm, "claromentis-console/people-api/test");
        result.className = outcome.ok ? "claromentis-good" : "claromentis-bad";
        result.textContent = outcome.ok ? `Connected: Claromentis answered in ${outcome.millis} ms`
          : `Failed: ${outcome.message}`;
      } catch (error) {
        result.className = "claromentis-bad";
        result.textContent = `Failed: ${error.message}`;
      }
    }, "test-connection")), result);
  }
  return card("Claromentis People API", "claromentis-people-api", false, ...body);
}

function refresh() {
  const { realm } = currentRoute();
  allowed.delete(realm);
  renderedFor = null;
  sync();
}

// The console renders its navigation and pages whenever it likes: keep the entry and the page in place.
let scheduled = false;
new MutationObserver(() => {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      sync();
    });
  }
}).observe(document.body, { childList: true, subtree: true });
window.addEventListener("hashchange", () => {
  if (currentRoute().page === ROUTE) {
    refresh();
  } else {
    sync();
  }
});
