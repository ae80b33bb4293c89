// Polls the batch issuance progress (templates/certificates/notice_issue.html); a static file so the
// content security policy needs no inline script.
(function () {
  var text = document.getElementById("issuance-progress");
  var bar = document.getElementById("issuance-bar");
  if (!text || !bar) { return; }
  function poll() {
    fetch(text.dataset.url, {credentials: "same-origin"}).then(function (response) {
      return response.json();
    }).then(function (data) {
      bar.max = data.total; bar.value = data.issued;
      text.textContent = text.dataset.label + ": " + data.issued + " / " + data.total;
      if (!data.done) { setTimeout(poll, 2000); }
      else if (text.dataset.reload) { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  if (text.dataset.running) { setTimeout(poll, 1000); }
})();
