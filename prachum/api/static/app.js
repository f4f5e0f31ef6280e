// prachum web UI: small vanilla script, no build step, same-origin JSON API calls only.
(function () {
  "use strict";
  var TOKEN_KEY = "prachum-token";
  var ACTOR_KEY = "prachum-actor";

  function store(key, value) {
    try { if (value) { sessionStorage.setItem(key, value); } } catch (e) { /* storage off */ }
  }
  function recall(key) {
    try { return sessionStorage.getItem(key) || ""; } catch (e) { return ""; }
  }

  // Token and name typed once are kept for this browser tab only (sessionStorage).
  function authHeaders(form) {
    var tokenInput = form && form.querySelector(".js-token");
    var actorInput = form && form.querySelector(".js-actor");
    var token = (tokenInput && tokenInput.value) || recall(TOKEN_KEY);
    var actor = (actorInput && actorInput.value) || recall(ACTOR_KEY);
    store(TOKEN_KEY, token);
    store(ACTOR_KEY, actor);
    var headers = {};
    if (token) { headers.Authorization = "Bearer " + token; }
    // Header values must be Latin-1: a Thai name travels percent-encoded.
    if (actor) { headers["X-Prachum-User"] = encodeURIComponent(actor); }
    return headers;
  }

  function fillSaved() {
    document.querySelectorAll(".js-token").forEach(function (el) { el.value = el.value || recall(TOKEN_KEY); });
    document.querySelectorAll(".js-actor").forEach(function (el) { el.value = el.value || recall(ACTOR_KEY); });
  }

  function errorText(status, body) {
    if (body && body.detail) { return "ไม่สำเร็จ (" + status + "): " + body.detail; }
    return "ไม่สำเร็จ (HTTP " + status + ")";
  }

  function show(el, text, ok) {
    if (!el) { return; }
    el.textContent = text;
    el.className = "js-result small " + (ok ? "ok" : "fail");
  }

  function sendJson(method, url, data, form) {
    var headers = authHeaders(form);
    headers["Content-Type"] = "application/json";
    headers.Accept = "application/json";
    return fetch(url, { method: method, headers: headers, body: data ? JSON.stringify(data) : undefined })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) { throw new Error(errorText(res.status, body)); }
          return body;
        });
      });
  }

  // -- record page: status/due/note/priority form ------------------------------------------
  function recordForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = form.querySelector(".js-result");
      var data = {};
      ["status", "note", "due", "reason"].forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) { data[name] = value; }
      });
      var priority = form.elements.priority;
      if (priority.checked !== priority.defaultChecked) { data.priority = priority.checked; }
      if (form.dataset.version) { data.expected_version = parseInt(form.dataset.version, 10); }
      if (Object.keys(data).filter(function (k) { return k !== "expected_version"; }).length === 0) {
        show(result, "ยังไม่ได้เลือกสิ่งที่จะเปลี่ยน", false);
        return;
      }
      show(result, "กำลังบันทึก…", true);
      sendJson("PATCH", "/api/recs/" + encodeURIComponent(form.dataset.rec), data, form)
        .then(function () {
          show(result, "บันทึกแล้ว", true);
          window.location.reload();
        })
        .catch(function (err) { show(result, err.message, false); });
    });
  }

  function linkForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = form.querySelector(".js-result");
      var tokenForm = document.querySelector(".js-rec-form") || form;
      sendJson("POST", "/api/recs/" + encodeURIComponent(form.dataset.rec) + "/links",
               { item_id: form.elements.item_id.value.trim() }, tokenForm)
        .then(function () { window.location.reload(); })
        .catch(function (err) { show(result, err.message, false); });
    });
  }

  function linkButtons() {
    document.querySelectorAll(".js-link-action").forEach(function (button) {
      button.addEventListener("click", function () {
        var base = "/api/recs/" + encodeURIComponent(button.dataset.rec) + "/links/" + encodeURIComponent(button.dataset.item);
        var action = button.dataset.action;
        var call = action === "unlink" ? sendJson("DELETE", base, null, document.querySelector(".js-rec-form"))
                                       : sendJson("POST", base + "/" + action, null, document.querySelector(".js-rec-form"));
        call.then(function () { window.location.reload(); })
            .catch(function (err) { window.alert(err.message); });
      });
    });
  }

  // -- upload page: each file is queued as a job (POST /api/jobs), then its job is polled ------
  // Bar: sending 0–30 %, then the worker's steps; the text says which step and how many pages.
  var STEP_TEXT = {
    queued: "รอคิวประมวลผล",
    reading: "กำลังอ่านไฟล์",
    analysing: "กำลังวิเคราะห์",
    storing: "กำลังบันทึก",
    indexing: "กำลังทำดัชนีค้นหา"
  };
  function uploadForm(form) {
    var rows = document.querySelector(".js-upload-rows");
    var input = form.querySelector("input[type=file]");
    var maxBytes = parseInt(form.dataset.maxMb, 10) * 1024 * 1024;

    function addRow(file) {
      var tr = document.createElement("tr");
      var name = document.createElement("td");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var barCell = document.createElement("td");
      barCell.appendChild(bar);
      var status = document.createElement("td");
      status.className = "js-file-status";
      status.textContent = "รอคิว";
      tr.appendChild(name); tr.appendChild(barCell); tr.appendChild(status);
      rows.appendChild(tr);
      return { bar: bar, status: status, row: tr };
    }

    function finish(view, ok, html) {
      view.bar.value = 100;
      view.status.innerHTML = "";
      view.status.appendChild(html);
      view.row.dataset.result = ok ? "ok" : "failed";
    }

    function uploadOne(file, view) {
      return new Promise(function (resolve) {
        if (file.size > maxBytes) {
          finish(view, false, document.createTextNode("ไฟล์ใหญ่เกิน " + form.dataset.maxMb + " MB"));
          resolve();
          return;
        }
        var xhr = new XMLHttpRequest();
        var data = new FormData();
        data.append("files", file, file.name);
        xhr.open("POST", "/api/jobs");
        var headers = authHeaders(form);
        Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) { view.bar.value = Math.round((e.loaded / e.total) * 30); }
        };
        xhr.upload.onload = function () { view.status.textContent = STEP_TEXT.queued + "…"; };
        xhr.onload = function () {
          var body = {};
          try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
          var job = body.data && body.data[0];
          if (xhr.status === 202 && job && job.id) {
            follow(job.id, view, resolve);
            return;
          }
          var why = (job && job.detail) || errorText(xhr.status, body);
          finish(view, false, document.createTextNode("ไม่สำเร็จ: " + why));
          resolve();
        };
        xhr.onerror = function () {
          finish(view, false, document.createTextNode("การเชื่อมต่อขัดข้อง"));
          resolve();
        };
        view.status.textContent = "กำลังส่ง…";
        xhr.send(data);
      });
    }

    // Poll the job until a worker has finished it; show its step, pages and result.
    function follow(jobId, view, resolve) {
      fetch("/api/jobs/" + encodeURIComponent(jobId), { headers: { Accept: "application/json" } })
        .then(function (res) { return res.json().then(function (job) { return { ok: res.ok, job: job }; }); })
        .then(function (reply) {
          var job = reply.job;
          if (!reply.ok) { throw new Error(errorText(404, job)); }
          view.row.dataset.job = job.id;
          view.row.dataset.state = job.state;
          if (job.state === "done" || job.state === "failed") {
            showResult(view, job.result, job.error);
            resolve();
            return;
          }
          var p = job.progress || {};
          var text = STEP_TEXT[p.step || job.state] || job.state;
          if (p.pages) { text += " · " + p.pages + " หน้า"; }
          view.status.textContent = text + "…";
          if (p.steps_total) { view.bar.value = 30 + Math.round((p.steps_done / p.steps_total) * 65); }
          window.setTimeout(function () { follow(jobId, view, resolve); }, 600);
        })
        .catch(function (err) {
          finish(view, false, document.createTextNode("ติดตามงานไม่ได้: " + err.message));
          resolve();
        });
    }

    function showResult(view, result, error) {
      if (result && result.status !== "failed") {
        var link = document.createElement("a");
        link.href = "/documents/" + encodeURIComponent(result.doc_id);
        var done = { ok: "นำเข้าแล้ว", replaced: "แทนที่ฉบับเดิมแล้ว", unchanged: "มีในระบบอยู่แล้ว" }[result.status] || result.status;
        var found = result.status === "unchanged" ? "" : " · พบ " + result.items + " รายการ";
        link.textContent = done + found + (result.meeting_date ? " · ประชุม " + result.meeting_date : "") + " →";
        link.title = result.message;
        finish(view, true, link);
      } else {
        var why = (result && result.message) || error || "ไม่ทราบสาเหตุ";
        finish(view, false, document.createTextNode("ไม่สำเร็จ: " + why));
      }
    }

    // Files dropped anywhere on the drop zone go into the file input, as if chosen.
    var zone = form.querySelector(".drop");
    if (zone) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("over");
        if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { return; }
      var views = files.map(addRow);
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      files.reduce(function (chain, file, i) {
        return chain.then(function () { return uploadOne(file, views[i]); });
      }, Promise.resolve()).then(function () {
        button.disabled = false;
        input.value = "";
        rows.dataset.done = String(parseInt(rows.dataset.done || "0", 10) + files.length);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillSaved();
    document.querySelectorAll(".js-rec-form").forEach(recordForm);
    document.querySelectorAll(".js-link-form").forEach(linkForm);
    document.querySelectorAll(".js-upload").forEach(uploadForm);
    linkButtons();
    var passage = document.getElementById("passage");
    if (passage) { passage.scrollIntoView({ block: "center" }); }
  });
})();
