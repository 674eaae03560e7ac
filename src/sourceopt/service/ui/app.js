// The sourcing desk page: plain JavaScript, no build step, no third-party code.
// Every action is a call to the service's job API with the signed-in key (sessionStorage):
// POST /ui/inspect (validate, list variants), POST /v1/jobs (one solve job per variant),
// GET /v1/jobs/{id}?wait= (progress), GET /v1/jobs/{id}/report.html|.xlsx (the report).
(function () {
  "use strict";

  var KEY = "sourceopt.key";
  var FINISHED = ["succeeded", "failed", "cancelled"];
  var state = { key: null, inspected: null, jobs: [], reportUrl: null, workbookUrl: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function ApiError(status, body) {
    this.status = status;
    this.message = (body && body.message) || ("the server answered " + status);
    this.problems = (body && body.problems) || [];
  }

  function api(path, options) {
    options = options || {};
    var headers = Object.assign({}, options.headers || {}, { Authorization: "Bearer " + state.key });
    return fetch(path, Object.assign({}, options, { headers: headers })).then(
      function (response) {
        if (response.ok) { return response; }
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw new ApiError(response.status, body);
        });
      },
      function (error) { throw new ApiError(0, { message: "cannot reach the server: " + error.message }); }
    );
  }

  function say(id, text, bad) {
    var box = $(id);
    box.className = "msg" + (bad ? " bad" : "");
    box.textContent = text || "";
  }

  function fail(id, error) {
    say(id, error.message, true);
    if (error.problems && error.problems.length) {
      var list = el("ul");
      error.problems.slice(0, 20).forEach(function (p) {
        var where = [p.file, p.place].filter(Boolean).join(" ");
        list.appendChild(el("li", { text: (where ? where + ": " : "") + p.message }));
      });
      $(id).appendChild(list);
    }
  }

  function count(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function money(value, currency) {
    if (value === null || value === undefined) { return "\u2013"; }
    return Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) +
      (currency ? " " + currency : "");
  }

  // --- sign in -------------------------------------------------------------------------------

  function signedIn(yes) {
    $("sign-in").hidden = yes;
    $("upload").hidden = !yes;
    $("who").hidden = !yes;
    if (!yes) {
      ["progress", "report"].forEach(function (id) { $(id).hidden = true; });
    }
  }

  function signIn(key, quiet) {
    state.key = key;
    return api("/v1/jobs?limit=1").then(function () {
      sessionStorage.setItem(KEY, key);
      say("sign-in-msg", "");
      signedIn(true);
      $("scenario").focus();
    }).catch(function (error) {
      state.key = null;
      sessionStorage.removeItem(KEY);
      signedIn(false);
      if (!quiet) { fail("sign-in-msg", error); }
    });
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    state.key = null;
    $("key").value = "";
    signedIn(false);
    $("key").focus();
  }

  // --- upload and inspect --------------------------------------------------------------------

  function scenarioFile() { return $("scenario").files[0] || null; }
  function tableFiles() { return Array.prototype.slice.call($("tables").files); }
  function isWorkbook(file) { return /\.xlsx$/i.test(file.name); }

  function uploadForm(scenarioPart, partName) {
    var form = new FormData();
    var file = scenarioFile();
    form.append("scenario", scenarioPart || file, partName || file.name);
    if (scenarioPart && isWorkbook(file)) { form.append(file.name, file, file.name); }
    tableFiles().forEach(function (table) {
      if (table.name !== file.name) { form.append(table.name, table, table.name); }
    });
    return form;
  }

  function inspect() {
    state.inspected = null;
    $("inspected").hidden = true;
    say("upload-msg", "");
    var file = scenarioFile();
    if (!file) { return; }
    say("upload-msg", "Checking " + file.name + " \u2026");
    api("/ui/inspect", { method: "POST", body: uploadForm() })
      .then(function (response) { return response.json(); })
      .then(showInspected)
      .catch(function (error) { fail("upload-msg", error); });
  }

  function showInspected(info) {
    state.inspected = info;
    say("upload-msg", "");
    $("facts").textContent = info.scenario + (info.category ? " (" + info.category + ")" : "") + ": " +
      [count(info.items, "item"), count(info.suppliers, "supplier"), count(info.offers, "offer"),
        count(info.rules, "rule")].join(", ") + "; money in " + info.currency + ".";
    var box = $("variants");
    box.textContent = "";
    info.variants.forEach(function (v) {
      var input = el("input", { type: "checkbox", name: "variant", value: v.name });
      input.checked = true;
      box.appendChild(el("label", {}, [input, el("span", {}, [el("b", { text: v.name }),
        el("span", { "class": "desc", text: v.description })])]));
    });
    $("inspected").hidden = false;
  }

  function pickAll(checked) {
    Array.prototype.forEach.call(document.querySelectorAll("#variants input"), function (box) {
      box.checked = checked;
    });
  }

  // --- run and watch -------------------------------------------------------------------------

  function chosenVariants() {
    return Array.prototype.filter.call(document.querySelectorAll("#variants input"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
  }

  function options(variant) {
    var out = { variant: variant };
    var limit = parseFloat($("time-limit").value);
    if (limit > 0) { out.time_limit = limit; }
    return JSON.stringify(out);
  }

  function submit(variant) {
    var doc = state.inspected.document;
    var form;
    if (doc) {
      var stem = scenarioFile().name.replace(/\.xlsx$/i, "");
      var part = new Blob([JSON.stringify(doc)], { type: "application/json" });
      form = uploadForm(part, stem + ".json");
    } else {
      form = uploadForm();
    }
    form.append("kind", "solve");
    form.append("options", options(variant));
    return api("/v1/jobs", { method: "POST", body: form })
      .then(function (response) { return response.json(); })
      .then(function (job) { return { variant: variant, id: job.id, status: job.status, doc: job }; });
  }

  function drawJobs() {
    var body = $("jobs");
    body.textContent = "";
    var done = 0;
    state.jobs.forEach(function (job) {
      if (FINISHED.indexOf(job.status) >= 0) { done += 1; }
      var result = job.doc && job.doc.result;
      var cost = result ? money(result.total_cost, state.inspected.currency) : "";
      if (result && result.objective_kind === "score" && result.objective !== null) {
        // format 1.1: the award maximises a score (points); the cost stays money
        cost += " \u00b7 score " + Number(result.objective).toLocaleString("en-US", {
          minimumFractionDigits: 4, maximumFractionDigits: 4 }) + " points";
      }
      body.appendChild(el("tr", {}, [
        el("td", { text: job.variant }),
        el("td", {}, [el("code", { text: job.id })]),
        el("td", {}, [el("span", { "class": "status " + job.status, text: job.status })]),
        el("td", { "class": "num", text: cost })
      ]));
    });
    var total = state.jobs.length || 1;
    $("bar").max = total;
    $("bar").value = done;
    $("bar-text").textContent = done + " of " + state.jobs.length + " done";
  }

  function pause(seconds) {
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); });
  }

  function poll() {
    var open = state.jobs.filter(function (job) { return FINISHED.indexOf(job.status) < 0; });
    if (!open.length) { return Promise.resolve(); }
    var checks = open.map(function (job, k) {
      return api("/v1/jobs/" + encodeURIComponent(job.id) + "?wait=" + (k === 0 ? 5 : 0))
        .then(function (response) { return response.json(); })
        .then(function (doc) { job.status = doc.status; job.doc = doc; });
    });
    return Promise.all(checks).then(function () { drawJobs(); return poll(); }, function (error) {
      // over the key's rate, or the server busy: wait as it asks, then look again
      if (error.status === 429 || error.status === 503) {
        say("progress-msg", error.message + " (waiting)");
        return pause(5).then(function () { say("progress-msg", ""); return poll(); });
      }
      throw error;
    });
  }

  function run(event) {
    event.preventDefault();
    var variants = chosenVariants();
    if (!state.inspected) { return; }
    if (!variants.length) { say("upload-msg", "Pick at least one variant to run.", true); return; }
    $("run").disabled = true;
    say("upload-msg", "");
    say("progress-msg", "");
    $("report").hidden = true;
    $("progress").hidden = false;
    state.jobs = [];
    drawJobs();
    var sent = variants.reduce(function (chain, variant) {
      return chain.then(function () {
        return submit(variant).then(function (job) { state.jobs.push(job); drawJobs(); });
      });
    }, Promise.resolve());
    sent.then(poll).then(finished).catch(function (error) { fail("progress-msg", error); })
      .then(function () { $("run").disabled = false; });
  }

  function finished() {
    var failed = state.jobs.filter(function (job) { return job.status !== "succeeded"; });
    if (failed.length) {
      var first = failed[0];
      var error = (first.doc && first.doc.error) || { message: "the job was " + first.status };
      fail("progress-msg", new ApiError(0, {
        message: "Variant " + first.variant + ": " + error.message, problems: error.problems
      }));
    }
    var good = state.jobs.filter(function (job) { return job.status === "succeeded"; });
    if (good.length) { return showReport(good); }
    return null;
  }

  // --- the report ----------------------------------------------------------------------------

  function reportPath(jobs, suffix) {
    var others = jobs.slice(1).map(function (job) { return job.id; }).join(",");
    return "/v1/jobs/" + encodeURIComponent(jobs[0].id) + "/report" + suffix +
      (others ? "?with=" + encodeURIComponent(others) : "");
  }

  function showReport(jobs) {
    state.reportJobs = jobs;
    return api(reportPath(jobs, ".html"))
      .then(function (response) { return response.text(); })
      .then(function (page) {
        state.reportHtml = page;
        var frame = $("report-frame");
        frame.onload = function () { fitFrame(frame); };
        frame.srcdoc = page;
        $("report").hidden = false;
        say("report-msg", "");
        $("report").scrollIntoView({ behavior: "smooth", block: "start" });
      })
      .catch(function (error) { $("report").hidden = false; fail("report-msg", error); });
  }

  function fitFrame(frame) {
    try {
      var height = frame.contentDocument.documentElement.scrollHeight;
      if (height > 0) { frame.style.height = Math.min(height + 24, 20000) + "px"; }
    } catch (e) {
      frame.style.height = "80vh";
    }
  }

  function openReport() {
    if (!state.reportHtml) { return; }
    if (state.reportUrl) { URL.revokeObjectURL(state.reportUrl); }
    state.reportUrl = URL.createObjectURL(new Blob([state.reportHtml], { type: "text/html" }));
    window.open(state.reportUrl, "_blank", "noopener");
  }

  function filename(response, fallback) {
    var found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return found ? found[1] : fallback;
  }

  function download() {
    if (!state.reportJobs) { return; }
    var button = $("download");
    button.disabled = true;
    api(reportPath(state.reportJobs, ".xlsx"))
      .then(function (response) {
        return response.blob().then(function (blob) { return [filename(response, "award.xlsx"), blob]; });
      })
      .then(function (got) {
        if (state.workbookUrl) { URL.revokeObjectURL(state.workbookUrl); }
        state.workbookUrl = URL.createObjectURL(got[1]);
        var link = el("a", { href: state.workbookUrl, download: got[0] });
        document.body.appendChild(link);
        link.click();
        link.remove();
      })
      .catch(function (error) { fail("report-msg", error); })
      .then(function () { button.disabled = false; });
  }

  // --- wiring --------------------------------------------------------------------------------

  function start() {
    $("sign-in-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var key = $("key").value.trim();
      if (key) { signIn(key, false); }
    });
    $("sign-out").addEventListener("click", signOut);
    $("scenario").addEventListener("change", inspect);
    $("tables").addEventListener("change", inspect);
    $("all-variants").addEventListener("click", function () { pickAll(true); });
    $("no-variants").addEventListener("click", function () { pickAll(false); });
    $("upload-form").addEventListener("submit", run);
    $("open-report").addEventListener("click", openReport);
    $("download").addEventListener("click", download);
    var saved = sessionStorage.getItem(KEY);
    if (saved) { signIn(saved, true); } else { $("key").focus(); }
  }

  start();
}());
