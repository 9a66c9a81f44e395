"use strict";
// Quarry's review page. Every value shown comes from the data embedded in
// this file and is inserted as text (textContent), never as markup.
(function () {
  var ROW = 44;
  var run = JSON.parse(document.getElementById("run").textContent);
  var index = JSON.parse(document.getElementById("index").textContent);
  var shown = index;
  var current = -1;
  var doc = null;
  var selected = -1;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function badge(cls, text) { return el("span", "badge " + cls, text); }
  var failed = { invalid: 1, refused: 1, incomplete: 1, error: 1 };

  // Header.
  (function () {
    var top = document.getElementById("top");
    top.appendChild(el("h1", "", run.title));
    var meta = el("div", "meta");
    var add = function (label, value) {
      if (value === undefined || value === null || value === "") return;
      var s = el("span", "", label + " ");
      s.appendChild(el("b", "", value));
      meta.appendChild(s);
    };
    add("documents", run.documents);
    var u = 0, nf = 0, sup = 0, uc = 0;
    for (var i = 0; i < index.length; i++) { u += index[i].u; nf += index[i].nf; sup += index[i].s; uc += index[i].uc || 0; }
    if (u + nf + sup + uc > 0) { add("supported", sup); add("unsupported", u); add("not found", nf); if (uc) add("unchecked", uc); }
    add("model", run.model + (run.simulated ? " (simulated)" : ""));
    if (run.bad_lines) add("unreadable ledger lines", run.bad_lines);
    add("generated", run.generated);
    top.appendChild(meta);
  })();

  // Filters.
  var q = document.getElementById("q");
  var statusSel = document.getElementById("status");
  var onlyU = document.getElementById("only-unsupported");
  var count = document.getElementById("count");
  (function () {
    var by = {};
    index.forEach(function (d) { by[d.st] = (by[d.st] || 0) + 1; });
    Object.keys(by).sort().forEach(function (s) {
      var o = el("option", "", s + " (" + by[s] + ")");
      o.value = s;
      statusSel.appendChild(o);
    });
  })();
  function applyFilter() {
    var text = q.value.trim().toLowerCase();
    var st = statusSel.value, u = onlyU.checked;
    shown = index.filter(function (d) {
      return (!st || d.st === st) && (!u || d.u > 0) && (!text || d.k.indexOf(text) >= 0);
    });
    count.textContent = shown.length + " of " + index.length + " documents";
    list.scrollTop = 0;
    drawList();
  }
  q.addEventListener("input", applyFilter);
  statusSel.addEventListener("change", applyFilter);
  onlyU.addEventListener("change", applyFilter);

  // The document list draws only the rows in view.
  var list = document.getElementById("list");
  var inner = document.getElementById("list-inner");
  function drawList() {
    inner.style.height = shown.length * ROW + "px";
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    var last = Math.min(shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 5);
    inner.textContent = "";
    for (var i = first; i < last; i++) {
      var d = shown[i];
      var row = el("div", "item" + (d.n === current ? " active" : ""));
      row.style.top = i * ROW + "px";
      row.dataset.n = d.n;
      row.appendChild(el("div", "id", d.id));
      var sub = el("div", "sub");
      sub.appendChild(badge("st-" + d.st, d.st));
      if (d.u) sub.appendChild(badge("b-unsupported", d.u + " unsupported"));
      if (d.nf) sub.appendChild(badge("b-not_found", d.nf + " not found"));
      if (d.uc) sub.appendChild(badge("b-unchecked", d.uc + " unchecked"));
      if (!d.u && !d.nf && d.f) sub.appendChild(el("span", "", d.f + " fields"));
      row.appendChild(sub);
      inner.appendChild(row);
    }
  }
  list.addEventListener("scroll", drawList);
  inner.addEventListener("click", function (ev) {
    var row = ev.target.closest(".item");
    if (row) open(+row.dataset.n);
  });
  list.addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    ev.preventDefault();
    var at = -1;
    for (var i = 0; i < shown.length; i++) if (shown[i].n === current) { at = i; break; }
    at = Math.max(0, Math.min(shown.length - 1, at + (ev.key === "ArrowDown" ? 1 : -1)));
    if (shown[at]) {
      open(shown[at].n);
      var top = at * ROW;
      if (top < list.scrollTop || top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top - list.clientHeight / 2;
      drawList();
    }
  });

  // One document, parsed from its own element when opened.
  var main = document.getElementById("doc");
  function open(n) {
    var node = document.getElementById("d" + n);
    if (!node) return;
    doc = JSON.parse(node.textContent);
    current = n;
    selected = -1;
    drawList();
    drawDoc(n);
    if (history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(doc.id));
  }

  function verdictClass(f) { return f.vd ? "v-" + f.vd : "v-none"; }
  // The part of f's span on page pg (0: unpaged text) of n code points, or
  // null; a span may cross page breaks (ep, its last page).
  function spanOn(f, pg, n) {
    var first = f.pg || 0, last = Math.max(first, f.ep || 0);
    var s = f.s || 0, e = f.e || 0;
    if (pg < first || pg > last) return null;
    if (pg === first && pg === last) return e > s ? [s, e] : null;
    if (pg === first) return [s, n];
    if (pg === last) return e > 0 ? [0, e] : null;
    return [0, n];
  }

  function drawDoc(n) {
    main.textContent = "";
    main.scrollTop = 0;
    var head = el("div", "dochead");
    head.appendChild(el("h2", "", doc.id));
    var meta = el("div", "meta");
    meta.appendChild(badge("st-" + doc.status, doc.status));
    if (doc.source) meta.appendChild(el("span", "", doc.source + (doc.row ? " row " + doc.row : "") + (doc.page ? " page " + doc.page : "")));
    meta.appendChild(el("span", "", doc.attempts + (doc.attempts === 1 ? " attempt" : " attempts")));
    if (doc.model) meta.appendChild(el("span", "", doc.model));
    head.appendChild(meta);
    if (doc.reason) head.appendChild(el("div", failed[doc.status] ? "reason" : "note", doc.reason));
    if (doc.attempt_errors && doc.attempt_errors.length) {
      var at = el("details", "attempts");
      at.open = !!failed[doc.status];
      at.appendChild(el("summary", "", "What was wrong with each attempt (" + doc.attempt_errors.length + ")"));
      var ul = el("ul");
      doc.attempt_errors.forEach(function (e) { ul.appendChild(el("li", "", e)); });
      at.appendChild(ul);
      head.appendChild(at);
    }
    if (doc.stack) {
      var st = el("details", "stack");
      st.appendChild(el("summary", "", "Stack"));
      st.appendChild(el("pre", "", doc.stack));
      head.appendChild(st);
    }
    (doc.notes || []).forEach(function (t) { head.appendChild(el("div", "note", t)); });
    main.appendChild(head);

    var split = el("div", "split");
    split.appendChild(drawFields());
    split.appendChild(drawSource());
    main.appendChild(split);
  }

  // A pointer's cell, which may break after each "/".
  function pointerCell(p) {
    var td = el("td", "ptr");
    if (!p) { td.textContent = "(value)"; return td; }
    p.split("/").forEach(function (part, i) {
      if (i > 0) { td.appendChild(document.createTextNode("/")); }
      td.appendChild(document.createTextNode(part));
      td.appendChild(document.createElement("wbr"));
    });
    return td;
  }

  function drawFields() {
    var p = el("section", "panel");
    p.id = "fields";
    p.appendChild(el("h3", "", "Fields (" + doc.fields.length + ")"));
    if (!doc.fields.length) {
      p.appendChild(el("p", "empty", doc.status === "ok" ? "No values." : "No value was extracted."));
      p.firstChild.nextSibling.style.padding = "0 12px";
      return p;
    }
    var t = el("table");
    doc.fields.forEach(function (f, k) {
      var tr = el("tr", "field " + verdictClass(f));
      tr.id = "f" + k;
      tr.dataset.k = k;
      tr.appendChild(pointerCell(f.p));
      var val = el("td", "val");
      var v;
      try { v = JSON.parse(f.v); } catch (e) { v = f.v; }
      if (v === null) val.appendChild(el("span", "null", "null"));
      else val.appendChild(document.createTextNode(typeof v === "string" ? v : JSON.stringify(v)));
      if (f.vd && f.vd !== "supported") {
        if (f.r) val.appendChild(el("div", "why", f.r));
        if (f.q) val.appendChild(el("div", "quote", "quote: \u201c" + f.q + "\u201d"));
      }
      tr.appendChild(val);
      var ver = el("td", "ver");
      if (f.vd) {
        var label = f.vd === "not_found" ? "not found" : f.vd;
        if (f.vd === "supported" && f.m && f.m !== "exact") label += " (" + f.m + (f.m === "fuzzy" ? " " + f.sc : "") + ")";
        ver.appendChild(badge("b-" + f.vd, label));
      }
      tr.appendChild(ver);
      t.appendChild(tr);
    });
    t.addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr.field");
      if (tr) selectField(+tr.dataset.k, "field");
    });
    p.appendChild(t);
    return p;
  }

  // The text of a segment with each field's span marked; spans may overlap.
  function drawText(seg) {
    var pre = el("pre", "text");
    var chars = Array.from(seg.t);
    var spans = [];
    doc.fields.forEach(function (f, k) {
      var r = spanOn(f, seg.pg, chars.length);
      if (r) spans.push({ k: k, s: Math.max(0, r[0]), e: Math.min(chars.length, r[1]) });
    });
    var cuts = [0, chars.length];
    spans.forEach(function (s) { cuts.push(s.s, s.e); });
    cuts = cuts.filter(function (c, i, a) { return c >= 0 && c <= chars.length && a.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var text = chars.slice(a, b).join("");
      var over = spans.filter(function (s) { return s.s <= a && s.e >= b; }).map(function (s) { return s.k; });
      if (!over.length) { pre.appendChild(document.createTextNode(text)); continue; }
      var m = el("mark", worst(over), text);
      m.dataset.f = over.join(" ");
      pre.appendChild(m);
    }
    pre.addEventListener("click", function (ev) {
      var m = ev.target.closest("mark");
      if (m) pickFrom(m.dataset.f);
    });
    return pre;
  }
  function worst(ks) {
    var c = "v-supported";
    ks.forEach(function (k) {
      var v = verdictClass(doc.fields[k]);
      if (v === "v-unsupported") c = v;
      else if (v === "v-none" && c !== "v-unsupported") c = v;
    });
    return c;
  }
  // A highlight covering several fields selects the next of them each click.
  function pickFrom(list) {
    var ks = list.split(" ").map(Number);
    var at = ks.indexOf(selected);
    selectField(ks[(at + 1) % ks.length], "source");
  }

  function drawPage(seg) {
    var wrap = el("div", "pageview");
    var img = el("img");
    img.alt = seg.pg ? "Page " + seg.pg : "Image";
    var data = document.getElementById(seg.img);
    var mime = /^image\/(png|jpeg|webp|gif)$/.test(seg.mime || "") ? seg.mime : "image/jpeg";
    if (data) img.src = "data:" + mime + ";base64," + data.textContent.trim();
    wrap.appendChild(img);
    doc.fields.forEach(function (f, k) {
      if (!seg.pg || !f.b || !seg.w) return;
      f.b.forEach(function (b) {
        if (b[0] !== seg.pg) return;
        var d = el("div", "box " + verdictClass(f));
        d.dataset.f = String(k);
        d.title = f.p;
        d.style.left = (100 * b[1] / seg.w) + "%";
        d.style.top = (100 * b[2] / seg.h) + "%";
        d.style.width = (100 * b[3] / seg.w) + "%";
        d.style.height = (100 * b[4] / seg.h) + "%";
        wrap.appendChild(d);
      });
    });
    wrap.addEventListener("click", function (ev) {
      var b = ev.target.closest(".box");
      if (b) pickFrom(b.dataset.f);
    });
    return wrap;
  }

  function drawSource() {
    var p = el("section", "panel");
    p.id = "source";
    p.appendChild(el("h3", "", "Source"));
    if (!doc.segments || !doc.segments.length) {
      var e = el("p", "empty", "No text to show.");
      e.style.padding = "0 12px";
      p.appendChild(e);
      return p;
    }
    doc.segments.forEach(function (seg) {
      var s = el("div", "src-page");
      s.dataset.pg = seg.pg;
      if (seg.pg) s.appendChild(el("h4", "", "Page " + seg.pg));
      if (seg.img) {
        s.appendChild(drawPage(seg));
        if (seg.t) {
          var det = el("details", "pagetext");
          det.appendChild(el("summary", "", "Text sent to the model"));
          det.appendChild(drawText(seg));
          s.appendChild(det);
        }
      } else {
        s.appendChild(drawText(seg));
      }
      p.appendChild(s);
    });
    return p;
  }

  function selectField(k, from) {
    selected = k;
    document.querySelectorAll(".cur").forEach(function (e) { e.classList.remove("cur"); });
    document.querySelectorAll("tr.field.sel").forEach(function (e) { e.classList.remove("sel"); });
    var row = document.getElementById("f" + k);
    if (row) {
      row.classList.add("sel");
      if (from !== "field") row.scrollIntoView({ block: "nearest" });
    }
    var hits = [];
    document.querySelectorAll("#source [data-f]").forEach(function (e) {
      if (e.dataset.f.split(" ").indexOf(String(k)) >= 0) { e.classList.add("cur"); hits.push(e); }
    });
    if (from === "source" || !hits.length) return;
    // Scroll to the first visible mark: a box on the page image, or the
    // text (opening its fold when the page is shown as an image).
    var target = null;
    for (var i = 0; i < hits.length; i++) if (hits[i].classList.contains("box")) { target = hits[i]; break; }
    if (!target) {
      target = hits[0];
      var det = target.closest("details");
      if (det) det.open = true;
    }
    target.scrollIntoView({ block: "center" });
  }

  // Start: the list, and the document named in the address, if any.
  applyFilter();
  var want = "";
  try { want = decodeURIComponent(location.hash.slice(1)); } catch (e) { want = ""; }
  var start = index.filter(function (d) { return d.id === want; })[0];
  if (start) open(start.n);
  window.quarryReview = { open: open, selectField: selectField };
})();
