// The Quayside board: draws the state the page came with, then keeps it current from the board's server-sent events
// (/api/stream). Plain JavaScript, nothing loaded from elsewhere.
(function () {
  "use strict";

  var initial = JSON.parse(document.getElementById("initial").textContent);
  var state = {
    apps: initial.apps || { environments: [], apps: [] },
    chains: {},
    failures: initial.failures || [],
    repositories: initial.repositories || {},
    suspensions: {}
  };
  (initial.chains || []).forEach(function (c) { state.chains[c.id] = c; });
  var MAX_CHAINS = 30;

  // ---------------------------------------------------------------------------------------------------------------
  // helpers
  // ---------------------------------------------------------------------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined) { return; }
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "className") { node.className = attrs[k]; }
      else { node.setAttribute(k, attrs[k]); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) { continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function link(href, text) { return href ? el("a", { href: href, text: text }) : null; }
  function short(sha) { return sha ? sha.substring(0, 7) : "?"; }
  function shortDigest(d) { return d ? d.replace("sha256:", "").substring(0, 12) : ""; }
  function tagOf(image) {
    if (!image) { return ""; }
    var noDigest = image.split("@")[0];
    var slash = noDigest.lastIndexOf("/");
    return noDigest.substring(slash + 1);
  }
  function duration(ms) {
    if (ms === null || ms === undefined) { return ""; }
    if (ms < 1000) { return ms + " ms"; }
    if (ms < 60000) { return (ms / 1000).toFixed(1) + " s"; }
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function ago(iso) {
    if (!iso) { return ""; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) { return s + " s ago"; }
    if (s < 3600) { return Math.floor(s / 60) + " min ago"; }
    if (s < 86400) { return Math.floor(s / 3600) + " h ago"; }
    return Math.floor(s / 86400) + " d ago";
  }
  function time(iso) { return iso ? new Date(iso).toLocaleString() : ""; }
  // the board's JSON answer to a GET, or to a POST of an operator action with the token typed into the actions form
  function answerOf(request) {
    return request.then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }
  function getJson(path) { return answerOf(fetch(path)); }
  function postAction(path, body) {
    var token = document.getElementById("sync-token").value;
    sessionStorage.setItem("quayside.operator.token", token);
    var headers = { "Authorization": "Bearer " + token };
    if (body) { headers["Content-Type"] = "application/json"; }
    return answerOf(fetch(path, { method: "POST", headers: headers, body: body ? JSON.stringify(body) : undefined }));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // apps × environments
  // ---------------------------------------------------------------------------------------------------------------
  function renderApps() {
    var target = document.getElementById("apps");
    var envs = state.apps.environments;
    target.textContent = "";
    if (!state.apps.apps.length) {
      target.appendChild(el("p", { className: "empty", text: "No deployment seen yet." }));
      return;
    }
    var head = el("tr", {}, el("th", { text: "app" }));
    envs.forEach(function (e) { head.appendChild(el("th", { text: e })); });
    var body = el("tbody");
    state.apps.apps.forEach(function (row) {
      var tr = el("tr", { "data-app": row.app }, el("td", { className: "app", text: row.app }));
      envs.forEach(function (env) {
        var cell = row.environments[env];
        tr.appendChild(el("td", { "data-env": env }, cell ? appCell(cell) : el("span", { className: "muted", text: "—" })));
      });
      body.appendChild(tr);
    });
    target.appendChild(el("table", { id: "apps-grid" }, el("thead", {}, head), body));
  }

  function appCell(c) {
    var instances = null;
    if (c.wanted !== undefined && c.wanted !== null) {
      instances = el("span", { className: "instances" + (c.healthy < c.wanted ? " short" : ""),
        title: "healthy / wanted (Marathon)", text: c.healthy + "/" + c.wanted });
    } else if (c.instancesError) {
      instances = el("span", { className: "muted", title: c.instancesError, text: "?/?" });
    }
    var links = c.links || {};
    var suspension = state.suspensions[c.app + "/" + c.environment];
    return el("div", { className: "cell", "data-status": c.status, "data-suspended": suspension ? "true" : null },
      el("div", { className: "line1" }, el("span", { className: "pill " + c.status, text: c.status }),
        suspension ? el("span", { className: "pill suspended", title: suspendedTitle(suspension), text: "suspended" }) : null,
        instances, el("span", { className: "mono", title: c.image || "", text: tagOf(c.image) })),
      el("div", { className: "muted" }, c.commit ? "commit " : "", c.commit ? (link(links.commit, short(c.commit)) ||
        el("span", { className: "mono", text: short(c.commit) })) : null, c.digest ? " · " : "",
        c.digest ? (link(links.image, shortDigest(c.digest)) || el("span", { className: "mono", text: shortDigest(c.digest) })) : null),
      el("div", { className: "muted" }, c.since ? "since " + ago(c.since) : "", c.version ? " · v " : "",
        c.version ? el("span", { className: "mono", title: "definition version", text: c.version }) : null,
        links.marathon ? " · " : "", link(links.marathon, "Marathon")),
      c.deployingChain ? el("div", {}, el("a", { href: "#chain-" + c.deployingChain, text: "deploying a new version…" })) : null,
      c.status === "failed" && c.lastFailure ? el("div", { className: "reason", text: c.lastFailure.reason }) : null,
      c.lastChange ? el("div", { className: "muted", title: time(c.lastChange.at), text: "last: " + c.lastChange.summary }) : null,
      el("div", { className: "steer" }, suspension ? steerButton(c, "resume", "Resume", suspension)
        : steerButton(c, "suspend", "Suspend"), " ", steerButton(c, "rollback", "Roll back")));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // suspend / resume / roll back an app in one environment: config-syncer makes each a commit in the config repo
  // ---------------------------------------------------------------------------------------------------------------
  function suspendedTitle(s) {
    return "suspended" + (s.by ? " by " + s.by : "") + (s.since ? " " + time(s.since) : "") + (s.reason ? ": " + s.reason : "")
      + " (" + (s.declaredIn === "quayside.yml" ? "in quayside.yml: resume by editing it" : s.declaredIn) + ")";
  }
  function loadSuspensions() {
    getJson("/api/suspensions").then(function (r) {
      var known = {};
      // when config-syncer cannot be asked, the grid says nothing about suspension rather than something stale
      if (r.status === 200) {
        (r.body.configSyncer || []).forEach(function (s) { known[s.app + "/" + s.environment] = s; });
      }
      state.suspensions = known;
      render();
    }).catch(function () { /* the next load tries again */ });
  }
  function steerButton(c, action, label, suspension) {
    var button = el("button", { type: "button", className: "small steer-" + action, text: label });
    button.addEventListener("click", function () {
      var what = c.app + " in " + c.environment;
      var body = { by: "the board" };
      if (suspension) { body.repository = suspension.repository; }
      if (action === "rollback") {
        var to = window.prompt("Roll back " + what + " to which version? A config commit id, an image or an image"
          + " tag; empty: its definition as it was before its last change.", "");
        if (to === null) { return; }
        if (to.trim()) { body.to = to.trim(); }
      }
      if (action === "suspend") {
        var reason = window.prompt("Suspend " + what + ": nothing is synced or deployed there until it is resumed."
          + " Why? (optional)", "");
        if (reason === null) { return; }
        if (reason.trim()) { body.reason = reason.trim(); }
      }
      var result = document.getElementById("steer-result");
      result.textContent = label.toLowerCase() + " " + what + "…";
      postAction("/api/apps/" + [c.app, c.environment, action].map(encodeURIComponent).join("/"), body).then(function (r) {
        var done = r.body.configSyncer || {};
        result.textContent = r.status !== 200 ? r.status + ": " + (r.body.error || "failed")
          : r.body.status.replace("-", " ") + ": " + what + (done.toImage ? " to " + tagOf(done.toImage) : "") + " ("
            + (done.repository || "?") + ", " + (done.commit ? "commit " + short(done.commit) : "nothing written") + ")";
        loadSuspensions();
      }).catch(function (err) { result.textContent = "the board did not answer: " + err; });
    });
    return button;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // chains: one card per push, one bar per stage
  // ---------------------------------------------------------------------------------------------------------------
  function sortedChains() {
    // config-syncer's own write-backs are part of the chain that wrote them: not a card of their own
    return Object.keys(state.chains).map(function (k) { return state.chains[k]; }).filter(function (c) {
      return !c.writeBackOf;
    }).sort(function (a, b) {
      return Date.parse(b.pushedAt || b.updatedAt || 0) - Date.parse(a.pushedAt || a.updatedAt || 0);
    });
  }

  function renderChains() {
    var target = document.getElementById("chains");
    var chains = sortedChains();
    chains.slice(MAX_CHAINS).forEach(function (c) { delete state.chains[c.id]; });
    target.textContent = "";
    if (!chains.length) {
      target.appendChild(el("p", { className: "empty", text: "No push seen yet." }));
      return;
    }
    chains.slice(0, MAX_CHAINS).forEach(function (c) { target.appendChild(chainCard(c)); });
  }

  function chainCard(c) {
    var links = c.links || {};
    var head = el("div", { className: "chain-head" },
      el("span", { className: "pill " + (c.status === "running" ? "running-chain" : c.status), text: c.status }),
      el("span", { className: "what" }, c.repository || "?", "@", link(links.commit, short(c.commit)) ||
        el("span", { className: "mono", text: short(c.commit) })),
      c.ref ? el("span", { className: "muted mono", text: c.ref.replace("refs/heads/", "") }) : null,
      c.message ? el("span", { className: "message", text: c.message }) : null,
      c.author ? el("span", { className: "muted", text: "by " + c.author }) : null,
      el("span", { className: "total", title: time(c.pushedAt) },
        c.durationMs !== undefined && c.durationMs !== null ? "push to " + c.status + " in " + duration(c.durationMs)
          : "pushed " + ago(c.pushedAt)));
    var card = el("article", { className: "chain", id: "chain-" + c.id, "data-chain-id": c.id, "data-status": c.status }, head);
    if (c.statusReason) { card.appendChild(el("div", { className: "reason", text: c.statusReason })); }
    card.appendChild(timeline(c));
    card.appendChild(chainLinks(c));
    return card;
  }

  function timeline(c) {
    var stages = c.stages || [];
    var t0 = Date.parse(c.pushedAt || (stages[0] && stages[0].startedAt) || c.updatedAt);
    var tEnd = t0;
    var now = Date.now();
    stages.forEach(function (s) {
      var end = s.endedAt ? Date.parse(s.endedAt) : (s.startedAt ? now : null);
      if (end && end > tEnd) { tEnd = end; }
    });
    var span = Math.max(tEnd - t0, 1000);
    var grid = el("div", { className: "stages" });
    var pendingAt = 0;
    stages.forEach(function (s) {
      var left, width;
      if (s.state === "pending" || !s.startedAt) {
        left = Math.min(96, pendingAt);
        width = 4;
      } else {
        var start = Date.parse(s.startedAt);
        var end = s.endedAt ? Date.parse(s.endedAt) : now;
        left = Math.max(0, Math.min(99.4, (start - t0) / span * 100));
        width = Math.min(100 - left, Math.max((end - start) / span * 100, 0.6));
        pendingAt = Math.min(100, left + width);
      }
      var label = s.name + (s.environment && s.app && s.app !== c.repository ? " " + s.app : "");
      grid.appendChild(el("div", { className: "stage-name", title: s.key, text: label }));
      grid.appendChild(el("div", { className: "track", "data-stage-key": s.key, "data-state": s.state },
        el("div", { className: "bar " + s.state, style: "left:" + left.toFixed(2) + "%;width:" + width.toFixed(2) + "%",
          title: (s.summary || s.state) + (s.startedAt ? " — started " + time(s.startedAt) : "") })));
      grid.appendChild(el("div", { className: "stage-time", text: s.state === "pending" ? "pending"
        : s.state === "running" ? "running" : duration(s.durationMs) }));
      if (s.summary) { grid.appendChild(el("div", { className: "stage-summary", text: s.summary })); }
    });
    return grid;
  }

  function chainLinks(c) {
    var box = el("div", { className: "links" });
    var links = c.links || {};
    if (links.commit) { box.appendChild(link(links.commit, "commit " + short(c.commit))); }
    (c.stages || []).forEach(function (s) {
      var l = s.links || {};
      if (l.image) { box.appendChild(link(l.image, "image " + tagOf(s.summary ? s.summary.split(" ")[0] : ""))); }
      if (l.configCommit) { box.appendChild(link(l.configCommit, "config commit")); }
      if (l.marathon) { box.appendChild(link(l.marathon, "Marathon " + (s.environment || ""))); }
      if (l.log) {
        var a = el("a", { href: "#log-section", "data-build": c.buildId, text: "build log" });
        a.addEventListener("click", function (e) { e.preventDefault(); openLog(c.buildId); });
        box.appendChild(a);
      }
    });
    return box;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // failures
  // ---------------------------------------------------------------------------------------------------------------
  function renderFailures() {
    var target = document.getElementById("failures");
    target.textContent = "";
    if (!state.failures.length) {
      target.appendChild(el("p", { className: "empty", text: "None." }));
      return;
    }
    var body = el("tbody");
    state.failures.slice(0, 20).forEach(function (f) {
      body.appendChild(el("tr", {},
        el("td", { title: time(f.at), text: ago(f.at) }), el("td", { text: f.stage }),
        el("td", { text: (f.app || f.repository || "") + (f.environment ? " in " + f.environment : "") }),
        el("td", { className: "reason", text: f.reason || "" }),
        el("td", {}, f.chainId ? el("a", { href: "#chain-" + f.chainId, text: "chain" }) : null)));
    });
    target.appendChild(el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "when" }), el("th", { text: "stage" }),
      el("th", { text: "what" }), el("th", { text: "why" }), el("th"))), body));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // build log, streamed while the build runs
  // ---------------------------------------------------------------------------------------------------------------
  var logSource = null;
  function openLog(buildId) {
    if (logSource) { logSource.close(); }
    var section = document.getElementById("log-section");
    var pre = document.getElementById("log");
    section.hidden = false;
    document.getElementById("log-build").textContent = buildId;
    pre.textContent = "";
    logSource = new EventSource("/api/builds/" + encodeURIComponent(buildId) + "/log?follow=true");
    logSource.addEventListener("log", function (e) {
      var line = JSON.parse(e.data);
      var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.appendChild(document.createTextNode(line.line + "\n"));
      if (atBottom) { pre.scrollTop = pre.scrollHeight; }
    });
    logSource.addEventListener("log-end", function () {
      pre.appendChild(document.createTextNode("— build finished —\n"));
      logSource.close();
      logSource = null;
    });
    section.scrollIntoView({ behavior: "smooth" });
  }
  document.getElementById("log-close").addEventListener("click", function () {
    if (logSource) { logSource.close(); logSource = null; }
    document.getElementById("log-section").hidden = true;
  });

  // ---------------------------------------------------------------------------------------------------------------
  // sync now (operator token kept for this tab only)
  // ---------------------------------------------------------------------------------------------------------------
  function renderRepositories() {
    var select = document.getElementById("sync-repo");
    var chosen = select.value;
    select.textContent = "";
    Object.keys(state.repositories).forEach(function (name) {
      select.appendChild(el("option", { value: name, text: name + " (" + state.repositories[name] + ")" }));
    });
    if (chosen) { select.value = chosen; }
  }
  var tokenInput = document.getElementById("sync-token");
  tokenInput.value = sessionStorage.getItem("quayside.operator.token") || "";
  document.getElementById("sync-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var repo = document.getElementById("sync-repo").value;
    var result = document.getElementById("sync-result");
    if (!repo) { result.textContent = "no repository seen yet"; return; }
    result.textContent = "syncing " + repo + "…";
    postAction("/api/repositories/" + encodeURIComponent(repo) + "/sync").then(function (r) {
      result.textContent = r.status === 200 ? repo + " synced" : r.status + ": " + (r.body.error || "failed");
    }).catch(function (err) { result.textContent = "the board did not answer: " + err; });
  });

  // ---------------------------------------------------------------------------------------------------------------
  // promotions waiting at a gate (kept by config-syncer; read through the board, decided with the operator token)
  // ---------------------------------------------------------------------------------------------------------------
  function loadPromotions() {
    getJson("/api/promotions").then(function (r) {
      var box = document.getElementById("promotions");
      box.textContent = "";
      if (r.status !== 200) {
        box.appendChild(el("p", { className: "empty", text: "unknown: " + (r.body.error || r.status) }));
        return;
      }
      var waiting = r.body.configSyncer || [];
      if (waiting.length === 0) { box.appendChild(el("p", { className: "empty", text: "None." })); return; }
      var table = el("table", { className: "promotions" },
        el("tr", {}, el("th", { text: "App" }), el("th", { text: "From → to" }), el("th", { text: "Image" }),
          el("th", { text: "Waiting for" }), el("th", { text: "" })));
      waiting.forEach(function (p) {
        table.appendChild(el("tr", { "data-app": p.app, "data-environment": p.toEnvironment },
          el("td", { text: p.app }), el("td", { text: p.fromEnvironment + " → " + p.toEnvironment }),
          el("td", { text: tagOf(p.image), title: p.image }),
          el("td", { text: (p.waitingFor || []).join(", ") || "ready" }),
          el("td", {}, decisionButton(p, "approve", "Approve"), " ", decisionButton(p, "reject", "Reject"))));
      });
      box.appendChild(table);
    }).catch(function () { /* the next load tries again */ });
  }
  function decisionButton(p, decision, label) {
    var button = el("button", { type: "button", className: "decision-" + decision, text: label });
    button.addEventListener("click", function () {
      var result = document.getElementById("promotion-result");
      result.textContent = label.toLowerCase() + " " + p.app + " into " + p.toEnvironment + "…";
      postAction("/api/promotions/" + [p.repository, p.app, p.toEnvironment, decision].map(encodeURIComponent).join("/"),
        { image: p.image, by: "the board" }).then(function (r) {
        result.textContent = r.status === 200 ? p.app + " " + tagOf(p.image) + " " + r.body.status + " into " + p.toEnvironment
          : r.status + ": " + (r.body.error || "failed");
        loadPromotions();
      }).catch(function (err) { result.textContent = "the board did not answer: " + err; });
    });
    return button;
  }
  loadPromotions();
  window.setInterval(loadPromotions, 10000);
  loadSuspensions();
  window.setInterval(loadSuspensions, 10000);

  // ---------------------------------------------------------------------------------------------------------------
  // live updates
  // ---------------------------------------------------------------------------------------------------------------
  var scheduled = false;
  function render() {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      renderApps();
      renderChains();
      renderFailures();
      renderRepositories();
    });
  }

  function putChain(c) {
    var known = state.chains[c.id];
    if (!known || !known.updatedAt || !c.updatedAt || Date.parse(c.updatedAt) >= Date.parse(known.updatedAt)) {
      state.chains[c.id] = c;
    }
    if (c.repository && !state.repositories[c.repository]) { state.repositories[c.repository] = c.kind; }
  }

  function putApp(row) {
    var rows = state.apps.apps.filter(function (r) { return r.app !== row.app; });
    rows.push(row);
    rows.sort(function (a, b) { return a.app < b.app ? -1 : a.app > b.app ? 1 : 0; });
    var envs = {};
    state.apps.environments.forEach(function (e) { envs[e] = true; });
    Object.keys(row.environments).forEach(function (e) { envs[e] = true; });
    state.apps = { environments: Object.keys(envs).sort(), apps: rows };
  }

  function refresh() {
    Promise.all([fetch("/api/apps").then(function (r) { return r.json(); }),
      fetch("/api/chains?limit=" + MAX_CHAINS).then(function (r) { return r.json(); }),
      fetch("/api/failures?limit=20").then(function (r) { return r.json(); }),
      fetch("/api/repositories").then(function (r) { return r.json(); })]).then(function (all) {
      state.apps = all[0];
      all[1].forEach(putChain);
      state.failures = all[2];
      state.repositories = all[3];
      render();
    });
    refreshCounts();
  }

  var connection = document.getElementById("connection");
  var source = new EventSource("/api/stream");
  source.addEventListener("open", function () {
    connection.dataset.state = "live";
    connection.textContent = "live";
    refresh();
  });
  source.addEventListener("error", function () {
    connection.dataset.state = "lost";
    connection.textContent = "reconnecting…";
  });
  source.addEventListener("chain", function (e) { putChain(JSON.parse(e.data)); render(); });
  source.addEventListener("app", function (e) { putApp(JSON.parse(e.data)); render(); });
  source.addEventListener("failure", function (e) {
    state.failures.unshift(JSON.parse(e.data));
    state.failures = state.failures.slice(0, 50);
    render();
  });

  function refreshCounts() {
    fetch("/api/status").then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("counts").textContent = s.chains + " chain(s) · " + s.apps + " app(s) · " + s.records
        + " record(s) read" + (s.caughtUp ? "" : " · still reading the topics");
    }).catch(function () { /* shown by the connection state */ });
  }

  setInterval(render, 5000);
  setInterval(refreshCounts, 10000);
  render();
})();
