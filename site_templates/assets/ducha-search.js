// ducha's search worker. It replaces the theme's (Material for MkDocs) Lunr
// worker and speaks the same messages: SETUP (0) -> READY (1), QUERY (2) ->
// RESULT (3). It searches ducha's own index (search/ducha_index.json, written
// by generator/site/search.py): every word of the query must match an item's
// title, number, unit (full name, short name or alias), state or category;
// items led by a unit the query names come first, then those it assists.
// Chinese is matched as written, so no word segmentation is needed.
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var LIGHT_ORDER = { red: 0, yellow: 1, green: 2, done: 3 };

var items = [];   // prepared items
var units = [];   // [{id, label, names: [normalised names]}]
var pages = [];   // other pages the theme's index holds
var loaded = fetch(new URL("../search/ducha_index.json", self.location.href))
  .then(function (r) { return r.ok ? r.json() : null; })
  .then(prepare)
  .catch(function () { /* no index: pages only */ });

function norm(text) {
  // Full-width letters and digits as ASCII (２０２５ -> 2025), lower case.
  return String(text || "").normalize("NFKC").toLowerCase();
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

function prepare(index) {
  if (!index || !Array.isArray(index.items)) return;
  units = index.units.map(function (u) {
    var names = [u[1], u[2]].concat(u[3] || []).filter(Boolean);
    return { id: u[0], label: u[2] || u[1], names: names.map(norm) };
  });
  var lights = index.lights;
  items = index.items.map(function (row) {
    var state = index.states[row[5]], light = lights[row[6]];
    return {
      id: row[0], title: row[1], ntitle: norm(row[1]), nid: norm(row[0]),
      lead: row[2], co: row[3], category: norm(index.categories[row[4]]),
      state: state, light: light[0], lightName: light[1],
      labels: norm(state + " " + light[1]), deadline: row[7], days: row[8]
    };
  });
}

// The units a word names: one of their names is the word, or contains it
// (two characters at least, so 市 or 局 alone names no unit).
function unitsNamed(word) {
  var exact = {}, partial = {}, any = false;
  units.forEach(function (u, n) {
    u.names.forEach(function (name) {
      if (name === word) { exact[n] = true; any = true; }
      else if (word.length >= 2 && name.indexOf(word) >= 0) { partial[n] = true; any = true; }
    });
  });
  return any ? { exact: exact, partial: partial } : null;
}

function unitScore(named, unit, exact, partial) {
  if (!named) return 0;
  return named.exact[unit] ? exact : named.partial[unit] ? partial : 0;
}

function scoreWord(item, word, named) {
  var best = 0;
  if (item.nid === word) best = 200;
  else if (item.nid.indexOf(word) >= 0) best = 100;
  best = Math.max(best, unitScore(named, item.lead, 90, 80));
  var at = item.ntitle.indexOf(word);
  if (at >= 0) best = Math.max(best, at === 0 ? 60 : 50);
  for (var i = 0; i < item.co.length; i++) best = Math.max(best, unitScore(named, item.co[i], 45, 40));
  if (item.labels.indexOf(word) >= 0) best = Math.max(best, 30);
  if (item.category.indexOf(word) >= 0) best = Math.max(best, 20);
  return best;
}

function mark(title, words) {
  // Mark the matched words in the title; every piece of it is escaped.
  var lower = title.toLowerCase(), marked = [];
  words.forEach(function (w) {
    for (var at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length))
      for (var k = at; k < at + w.length; k++) marked[k] = true;
  });
  var html = "", open = false;
  for (var i = 0; i < title.length; i++) {
    if (!!marked[i] !== open) { html += open ? "</mark>" : "<mark>"; open = !open; }
    html += escapeHtml(title[i]);
  }
  return open ? html + "</mark>" : html;
}

function teaser(item, named) {
  var unit = units[item.lead];
  var parts = ['<span class="ducha-light ducha-' + item.light + '">' + escapeHtml(item.lightName) + "</span>"];
  if (item.state !== item.lightName) parts.push(escapeHtml(item.state));
  parts.push(escapeHtml(unit ? unit.label : ""));
  // Found through a unit it assists: say so.
  var assisting = item.co.filter(function (u) {
    return named.some(function (n) { return unitScore(n, u, 1, 1); });
  }).map(function (u) { return escapeHtml(units[u].label); });
  if (assisting.length) parts.push("协办 " + assisting.join("、"));
  if (item.light === "red" && item.days) parts.push("已超期 " + item.days + " 天");
  parts.push(item.deadline ? "办结期限 " + item.deadline : "期限未写明");
  parts.push(escapeHtml(item.id));
  return "<p>" + parts.join(" · ") + "</p>";
}

function plain(html) {
  return norm(String(html || "").replace(/<[^>]*>/g, "").replace(/\u200b/g, ""));
}

function search(query) {
  var words = norm(query).split(/[\s\u3000,，、;；]+/).filter(Boolean);
  if (!words.length) return { items: [], suggest: [] };
  var named = words.map(unitsNamed);
  var hits = [];
  items.forEach(function (item) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var s = scoreWord(item, words[i], named[i]);
      if (!s) return;
      total += s;
    }
    hits.push([total, item]);
  });
  hits.sort(function (a, b) {
    return b[0] - a[0] || LIGHT_ORDER[a[1].light] - LIGHT_ORDER[b[1].light] || b[1].days - a[1].days ||
      (a[1].id < b[1].id ? -1 : a[1].id > b[1].id ? 1 : 0);
  });
  var found = hits.map(function (hit) {
    var item = hit[1], terms = {};
    words.forEach(function (w) { if (item.ntitle.indexOf(w) >= 0) terms[w] = true; });
    return [{
      location: "items/" + item.id + "/", title: mark(item.title, words), text: teaser(item, named),
      score: hit[0], terms: terms
    }];
  });
  pages.forEach(function (page) {
    var ok = words.every(function (w) { return page.haystack.indexOf(w) >= 0; });
    if (ok) found.push([{ location: page.location, title: page.title, text: page.text, score: 1, terms: {} }]);
  });
  return { items: found, suggest: [] };
}

self.onmessage = function (ev) {
  var message = ev.data || {};
  if (message.type === SETUP) {
    var docs = (message.data && message.data.docs) || [];
    pages = docs.map(function (d) {
      return { location: d.location, title: d.title, text: d.text, haystack: plain(d.title) + " " + plain(d.text) };
    });
    loaded.then(function () { self.postMessage({ type: READY }); });
  } else if (message.type === QUERY) {
    loaded.then(function () { self.postMessage({ type: RESULT, data: search(message.data) }); });
  }
};
