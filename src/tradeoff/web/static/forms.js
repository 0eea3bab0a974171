// Small behaviours of forms, kept here rather than in inline event handlers or htmx trigger filters: the
// Content-Security-Policy runs no inline script and evaluates no string as code.

// A select that applies itself when changed (the workspace switcher, the audit log's record filter).
document.addEventListener("change", function (event) {
  var t = event.target;
  if (t && t.matches && t.matches("select[data-autosubmit]") && t.form) t.form.submit();
});

// A "select all" box: ticks or unticks every checkbox its data-check-all selector names.
document.addEventListener("change", function (event) {
  var t = event.target;
  if (!(t && t.matches && t.matches("input[type=checkbox][data-check-all]"))) return;
  document.querySelectorAll(t.getAttribute("data-check-all")).forEach(function (c) { c.checked = t.checked; });
});

// A button that counts the ticked boxes of its form (pasted notes: "Create 3 feedback items").
document.addEventListener("change", function (event) {
  var form = event.target && event.target.closest && event.target.closest("form[data-count-checked]");
  if (!form) return;
  var n = form.querySelectorAll(form.getAttribute("data-count-checked")).length;
  var button = form.querySelector("[data-count-text]");
  if (button) button.textContent = button.getAttribute("data-count-text").replace("{n}", n).replace("{s}", n === 1 ? "" : "s");
});

// A list's toolbar (hx-trigger "... filter-changed") refreshes the list when one of its filters changes; the search
// box does so as it is typed in, so its own change (on leaving the box) would only redo it.
document.addEventListener("change", function (event) {
  var t = event.target;
  var form = t && t.closest && t.closest("form[data-filter-change]");
  if (form && t.id !== "q" && window.htmx) window.htmx.trigger(form, "filter-changed");
});

// The feedback kind select saves when picked with a pointer; from the keyboard (keys.js marks the select) the
// arrows only choose and Enter saves.
document.addEventListener("change", function (event) {
  var t = event.target;
  if (t && t.matches && t.matches("select.kind-select") && !t.dataset.keyboard && t.form && window.htmx) {
    window.htmx.trigger(t.form, "kind-chosen");
  }
});
