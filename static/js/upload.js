// Upload with a progress bar; without JavaScript the form posts normally.
document.querySelectorAll("form[data-upload-progress]").forEach((form) => {
  const bar = form.querySelector("progress");
  const status = form.querySelector(".upload-status");
  form.addEventListener("submit", (event) => {
    if (!window.XMLHttpRequest || !window.FormData) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "fetch");
    bar.hidden = false;
    bar.value = 0;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = bar.value + "%";
      }
    });
    // The bar at 100 % means sent, not accepted: the server checks the file before it answers.
    request.upload.addEventListener("load", () => {
      bar.value = 100;
      bar.removeAttribute("value");
      status.textContent = form.dataset.checking || "";
    });
    request.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { /* not JSON */ }
      if (request.status === 200 && body.ok) {
        window.location.reload();
      } else {
        bar.hidden = true;
        status.textContent = body.error || form.dataset.failed;
        status.classList.add("error");
      }
    });
    request.addEventListener("error", () => {
      bar.hidden = true;
      status.textContent = form.dataset.network;
      status.classList.add("error");
    });
    request.send(new FormData(form));
  });
});
