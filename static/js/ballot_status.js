// Keeps the ballot's count on the agenda item page (templates/committee/item_detail.html) up to
// date without a manual refresh: polls the item's JSON status; when the ballot opens or closes,
// or nobody is left to vote, loads the page again (buttons change). Without it, "Refresh" does
// the same. A static file, so the content security policy needs no inline script.
(function () {
  var ballot = document.querySelector("section.ballot[data-status-url]");
  if (!ballot) { return; }
  function show(data) {
    var turnout = ballot.querySelector(".turnout");
    if (turnout) { turnout.textContent = data.turnout; }
    var list = ballot.querySelector("ul.yet-to-vote");
    if (list) {
      list.textContent = "";
      data.yet_to_vote.forEach(function (name) {
        var item = document.createElement("li");
        item.textContent = name;
        list.appendChild(item);
      });
    }
  }
  function poll() {
    fetch(ballot.dataset.statusUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.stage !== ballot.dataset.stage) { window.location.reload(); return; }
        show(data);
        setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 3000);
})();
