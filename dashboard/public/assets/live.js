// Optional: keeps the figures of the current round's page up to date without a reload.
// Polls data/latest.json (schema 2) with its ETag every data-every seconds; a 304 costs
// nothing. The page works the same without it (the figures are in the HTML). The lead's
// words, which agree with the candidates' gender and number, come written in the
// document's `headline` (dashboard/results/views.py): this script holds no grammar.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-latest");
  var every = parseFloat(body.getAttribute("data-every") || "10");
  var round = body.getAttribute("data-round");
  if (!url || !window.fetch || !(every > 0)) return;
  var etag = null;
  var NBSP = "\u00a0";
  var STATUS = { partial: "partiel", corrected: "corrigé", definitive: "définitif" };
  var BASE = { exprimes: "% des suffrages exprimés", votants: "% des votants" };

  function int(v) {
    if (v === null || v === undefined) return "n. c.";
    return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  }
  function pct(v, d) {
    if (v === null || v === undefined) return "n. c.";
    return v.toFixed(d === undefined ? 2 : d).replace(".", ",") + NBSP + "%";
  }
  function parts(iso) {
    var f = new Intl.DateTimeFormat("fr-FR", {
      timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    });
    var out = {};
    f.formatToParts(iso ? new Date(iso) : new Date()).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function set(name, text) {
    var nodes = document.querySelectorAll('[data-f="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = text;
  }
  function apply(doc) {
    if (String(doc.round) !== round) {
      set("updated", "Nouveau tour publié : rechargez la page.");
      return;
    }
    var cands = (doc.candidates || []).filter(function (c) { return c.share !== null; });
    var p = parts(doc.as_of);
    set("stamp", "au " + p.day + "/" + p.month + "/" + p.year + " à " + p.hour + ":" + p.minute +
      " — " + (STATUS[doc.status] || doc.status));
    set("votants", int(doc.votants));
    set("exprimes", int(doc.exprimes));
    set("blancs", int(doc.blancs));
    set("nuls", int(doc.nuls));
    // The count's progress in the document's words: bureaux, a share of inscrits, « terminé ».
    var g = doc.progress;
    if (g) {
      set("bureaux-label", g.label);
      set("bureaux", g.value + (g.detail ? " (" + g.detail + ")" : ""));
    }
    var h = doc.headline;
    if (h) {
      set("lead-label", h.title);
      set("lead-name", h.value);
      set("lead-share", h.detail);
      set("base", BASE[doc.share_base] || doc.share_base);
    }
    cands.forEach(function (c) {
      set("share-" + c.id, pct(c.share));
      set("votes-" + c.id, int(c.votes));
      var bars = document.querySelectorAll('rect[data-bar="' + c.id + '"]');
      for (var i = 0; i < bars.length; i++) {
        var svg = bars[i].ownerSVGElement;
        var scale = parseFloat(svg.getAttribute("data-scale"));
        var x0 = parseFloat(bars[i].getAttribute("x"));
        var w = c.share * scale;
        bars[i].setAttribute("width", w.toFixed(1));
        var label = svg.querySelector('text[data-share="' + c.id + '"]');
        if (label) {
          var at = x0 + w + 6, mid = svg.querySelector("line");
          var m = mid ? parseFloat(mid.getAttribute("x1")) : null;
          if (m !== null && at < m + 4 && at + label.getComputedTextLength() > m - 4) at = m + 6;
          label.textContent = pct(c.share);
          label.removeAttribute("fill"); // an « n. c. » label was grey
          label.setAttribute("x", at.toFixed(1));
        }
      }
    });
  }
  function tick() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store" }).then(function (r) {
      var now = parts();
      if (r.status === 304) return null;
      if (!r.ok) throw new Error("HTTP " + r.status);
      etag = r.headers.get("ETag");
      return r.json().then(function (doc) { apply(doc); return now; });
    }).then(function (now) {
      var n = now || parts();
      if (document.querySelector('[data-f="updated"]').textContent.indexOf("Nouveau tour") !== 0) {
        set("updated", "mis à jour à " + n.hour + ":" + n.minute + ":" + n.second);
      }
    }).catch(function () {
      set("updated", "mise à jour impossible pour l'instant ; nouvel essai dans " + every + " s");
    }).then(function () { setTimeout(tick, every * 1000); });
  }
  setTimeout(tick, every * 1000);
})();
