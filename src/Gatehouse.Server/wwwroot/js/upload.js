// Gatehouse vendor portal: artifact upload with a progress bar. Forms with data-upload="<API URL>" are sent with
// XMLHttpRequest as a raw PUT of the file (streamed by the API) instead of the multipart post they make without
// JavaScript; upload progress drives the form's <progress> element. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  function problemText(xhr) {
    try {
      var p = JSON.parse(xhr.responseText);
      return p.detail || p.title || ("HTTP " + xhr.status);
    } catch (e) {
      return "HTTP " + xhr.status;
    }
  }
  function wire(form) {
    var input = form.querySelector('input[type="file"]');
    var bar = form.querySelector("progress");
    var status = form.querySelector('[role="status"]');
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener("submit", function (e) {
      if (!input || !input.files || input.files.length !== 1 || !window.XMLHttpRequest) return; // the plain form post
      e.preventDefault();
      var file = input.files[0];
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", form.getAttribute("data-upload") + "?name=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("X-CSRF-TOKEN", window.gatehouse ? window.gatehouse.antiforgery() : "");
      if (bar) { bar.value = 0; bar.textContent = "0%"; }
      if (button) button.disabled = true;
      if (status) status.textContent = "Uploading " + file.name + "…";
      xhr.upload.addEventListener("progress", function (p) {
        if (!bar || !p.lengthComputable || p.total === 0) return;
        var pct = Math.min(100, Math.round((p.loaded / p.total) * 100));
        bar.value = pct;
        bar.textContent = pct + "%";
      });
      xhr.addEventListener("load", function () {
        if (button) button.disabled = false;
        if (xhr.status >= 200 && xhr.status < 300) {
          var v = JSON.parse(xhr.responseText);
          if (bar) { bar.value = bar.max; bar.textContent = "100%"; }
          if (status) status.textContent = "Uploaded " + v.artifactName + " (" + v.artifactSize + " bytes): " + v.artifactDigest;
          var digest = document.querySelector("[data-artifact-digest]");
          if (digest) digest.textContent = v.artifactDigest;
        } else if (status) {
          status.textContent = "The upload failed: " + problemText(xhr);
        }
      });
      xhr.addEventListener("error", function () {
        if (button) button.disabled = false;
        if (status) status.textContent = "The upload failed: the connection was lost.";
      });
      xhr.send(file);
    });
  }
  var forms = document.querySelectorAll("form[data-upload]");
  for (var i = 0; i < forms.length; i++) wire(forms[i]);
})();
