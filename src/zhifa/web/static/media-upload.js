// Upload page of audio, video and photo records: resumable uploads by tus-js-client
// (vendored), one file after another, with progress, pause and resume. A file chosen
// again after a dropped connection or a closed page continues where the server stopped.
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("tus-upload");
    if (!box || box.dataset.ready || !window.tus || !window.tus.isSupported) {
      return; // the plain form below still works
    }
    box.dataset.ready = "true";
    box.hidden = false;
    var input = document.getElementById("tus-files");
    var list = document.getElementById("tus-list");
    var startButton = document.getElementById("tus-start");
    var pauseButton = document.getElementById("tus-pause");
    var resumeButton = document.getElementById("tus-resume");
    var queue = [];
    var current = null;

    function row(file) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var state = document.createElement("span");
      state.className = "state";
      state.textContent = "等待上传";
      item.appendChild(name);
      item.appendChild(bar);
      item.appendChild(state);
      list.appendChild(item);
      return { item: item, bar: bar, state: state };
    }

    function detail(error) {
      var response = error && error.originalResponse;
      if (response) {
        try {
          var body = JSON.parse(response.getBody() || "{}");
          if (body.detail) {
            return body.detail + "（" + response.getStatus() + "）";
          }
        } catch (ignored) {
          // not JSON: fall through
        }
        return "服务器返回 " + response.getStatus();
      }
      return "网络中断，可点“继续”从断点续传";
    }

    function buttons() {
      var running = current !== null && !current.paused;
      pauseButton.disabled = !running;
      resumeButton.disabled = !(current !== null && current.paused);
      startButton.disabled = running;
    }

    function next() {
      current = queue.shift() || null;
      buttons();
      if (current === null) {
        return;
      }
      var job = current;
      job.upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          job.upload.resumeFromPreviousUpload(previous[0]);
          job.view.state.textContent = "从断点继续…";
        }
        job.upload.start();
      });
    }

    function job(file) {
      var view = row(file);
      var metadata = { action: box.dataset.action, filename: file.name };
      var activity = document.getElementById("tus-activity").value;
      var device = document.getElementById("tus-device").value.trim();
      if (activity) {
        metadata.activity = activity;
      }
      if (device) {
        metadata.device = device;
      }
      var entry = { view: view, paused: false, mediaId: null };
      entry.upload = new window.tus.Upload(file, {
        endpoint: box.dataset.endpoint,
        chunkSize: Number(box.dataset.chunk),
        retryDelays: [0, 1000, 3000, 5000, 10000],
        metadata: metadata,
        headers: { "X-CSRF-Token": box.dataset.csrf },
        removeFingerprintOnSuccess: true,
        onProgress: function (sent, total) {
          var percent = total ? Math.floor((sent / total) * 100) : 0;
          view.bar.value = percent;
          view.state.textContent = percent + "%";
        },
        onAfterResponse: function (request, response) {
          var id = response.getHeader("Zhifa-Media-Id");
          if (id) {
            entry.mediaId = id;
          }
        },
        onSuccess: function () {
          if (entry.mediaId) {
            registered(entry, entry.mediaId);
            return;
          }
          // The reply that carried the record's id was not seen (a pause can abort it
          // while the server still files the record): ask the upload until it tells.
          askForRecord(entry, 20);
        },
        onError: function (error) {
          view.state.textContent = "失败：" + detail(error);
          view.item.className = "failed";
          next();
        },
      });
      return entry;
    }

    function askForRecord(entry, triesLeft) {
      fetch(entry.upload.url, {
        method: "HEAD",
        headers: { "Tus-Resumable": "1.0.0" },
        credentials: "same-origin",
      }).then(function (response) {
        var id = response.headers.get("Zhifa-Media-Id");
        if (id || triesLeft <= 1) {
          registered(entry, id);
        } else {
          window.setTimeout(function () { askForRecord(entry, triesLeft - 1); }, 500);
        }
      }, function () {
        registered(entry, null);
      });
    }

    function registered(entry, mediaId) {
      var view = entry.view;
      view.bar.value = 100;
      view.state.textContent = "";
      if (mediaId) {
        var link = document.createElement("a");
        link.href = "/app/media/" + mediaId;
        link.textContent = "已登记为记录 " + mediaId;
        view.state.appendChild(link);
      } else {
        view.state.textContent = "已上传，请在本案的音视频记录中查看";
      }
      view.item.className = "done";
      next();
    }

    startButton.addEventListener("click", function () {
      if (!input.files.length) {
        input.focus();
        return;
      }
      for (var i = 0; i < input.files.length; i += 1) {
        queue.push(job(input.files[i]));
      }
      input.value = "";
      if (current === null) {
        next();
      }
    });
    if (box.dataset.autostart) {
      // The on-site screen: a file chosen (or a photo taken) starts uploading at once.
      input.addEventListener("change", function () { startButton.click(); });
    }
    pauseButton.addEventListener("click", function () {
      if (current !== null) {
        current.paused = true;
        current.upload.abort();
        current.view.state.textContent += "（已暂停）";
        buttons();
      }
    });
    resumeButton.addEventListener("click", function () {
      if (current !== null) {
        current.paused = false;
        current.upload.start();
        buttons();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:load", start); // the on-site screen swaps it in
})();
