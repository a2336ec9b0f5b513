// Sends the chosen files one by one, so each gets its own status line, then follows each file's
// import job (run in the background by the server) until it is done.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("upload-list");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  if (!form || !window.fetch || !window.FormData) return;

  function line(name) {
    var li = document.createElement("li");
    li.className = "wait";
    var b = document.createElement("strong");
    b.textContent = name;  // textContent: a file name is never markup
    var s = document.createElement("span");
    s.textContent = ": đang chờ…";
    li.appendChild(b); li.appendChild(s);
    list.appendChild(li);
    return { li: li, s: s };
  }

  function show(row, o) {
    row.li.className = o.ok ? "ok" : "err";
    row.s.textContent = ": " + (o.message || (o.ok ? "đã nhập" : "lỗi"));
    if (o.url) {
      var a = document.createElement("a");
      a.href = o.url; a.textContent = "xem văn bản";
      row.li.appendChild(document.createTextNode(" — "));
      row.li.appendChild(a);
    }
  }

  // The server imports in the background: follow the job until it is done or failed.
  function follow(row, statusUrl) {
    return new Promise(function (resolve) {
      function poll() {
        fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            if (j.status === "queued" || j.status === "running") {
              row.s.textContent = ": " + j.status_text + "…";
              setTimeout(poll, 1000);
            } else {
              show(row, { ok: j.status === "done", message: j.message || j.status_text, url: j.url });
              resolve();
            }
          })
          .catch(function () { setTimeout(poll, 3000); });
      }
      poll();
    });
  }

  function send(file, row) {
    row.s.textContent = ": đang tải lên…";
    var fd = new FormData();
    fd.append("files", file, file.name);
    return fetch(form.action, {
      method: "POST", body: fd, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return { results: [{ ok: false, message: "Lỗi máy chủ (" + r.status + ")" }] }; });
    }).then(function (j) {
      var o = (j.results || [j])[0] || { ok: false, message: j.error || "Lỗi" };
      if (o.ok && o.status_url) {
        row.s.textContent = ": " + o.message + "…";
        follow(row, o.status_url);  // files keep uploading while earlier ones are imported
        return;
      }
      show(row, o);
    }).catch(function (e) {
      row.li.className = "err";
      row.s.textContent = ": lỗi mạng (" + e + ")";
    });
  }

  function sendAll(files) {
    var rows = Array.prototype.map.call(files, function (f) { return line(f.name); });
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (f, i) {
      chain = chain.then(function () { return send(f, rows[i]); });
    });
    return chain;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (input.files.length) sendAll(input.files).then(function () { input.value = ""; });
  });
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) sendAll(ev.dataTransfer.files);
  });
})();
