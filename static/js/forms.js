// Form helpers; without JavaScript every form still works.
(() => {
  const script = document.currentScript;
  // A select with data-follows="<name>" shows only the options whose data-series matches the
  // value chosen in the select of that name (the discipline list follows the title series).
  document.querySelectorAll("select[data-follows]").forEach((select) => {
    const source = select.form && select.form.elements[select.dataset.follows];
    if (!source) return;
    const update = () => {
      const chosen = source.value;
      Array.from(select.options).forEach((option) => {
        if (!option.dataset.series) return;
        const shown = !chosen || option.dataset.series === chosen;
        option.hidden = !shown;
        option.disabled = !shown;
        if (!shown && option.selected) select.value = "";
      });
    };
    source.addEventListener("change", update);
    update();
  });
  // A character counter under each textarea with a maxlength.
  const template = (script && script.dataset.counter) || "{count} / {max}";
  document.querySelectorAll("textarea[maxlength]").forEach((area) => {
    const counter = document.createElement("p");
    counter.className = "help counter";
    counter.setAttribute("aria-live", "polite");
    const max = area.getAttribute("maxlength");
    const update = () => {
      counter.textContent = template.replace("{count}", area.value.length).replace("{max}", max);
      counter.classList.toggle("error", area.value.length >= max);
    };
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", update);
    update();
  });
  // On a narrow screen, a long companion panel starts closed (the expert's application).
  if (window.matchMedia && window.matchMedia("(max-width: 999px)").matches) {
    document.querySelectorAll("details[data-close-narrow]").forEach((d) => d.removeAttribute("open"));
  }
  // After a refused submission, bring the first marked field into view and focus it.
  const marked = document.querySelector(".field.has-error, .form-errors");
  if (marked) {
    marked.scrollIntoView({ block: "center" });
    const input = marked.querySelector("input, select, textarea");
    if (input) input.focus({ preventScroll: true });
  }
})();
