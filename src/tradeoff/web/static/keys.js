// "/" anywhere but in a field puts the cursor in the sidebar's "Search everything" box, as in most web tools.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  var box = document.getElementById("side-q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

// A select that saves when it changes (the feedback kind) must not save while a keyboard user browses its options
// with the arrow keys: a key marks it (its form then saves on Enter), a pointer unmarks it (a pick saves at once).
document.addEventListener("keydown", function (event) {
  var t = event.target;
  if (!(t && t.matches && t.matches("select.kind-select"))) return;
  t.dataset.keyboard = "1";
  if (event.key === "Enter" && t.value && window.htmx) {
    event.preventDefault();
    window.htmx.trigger(t.form, "kind-chosen");
  }
}, true);
document.addEventListener("pointerdown", function (event) {
  var t = event.target;
  if (t && t.matches && t.matches("select.kind-select")) delete t.dataset.keyboard;
}, true);

// A form that starts a long action (solving a plan, triaging) says so while it runs: its button is disabled and
// reads the form's data-busy text, so nobody clicks twice or wonders whether anything happened. A plain form is
// replaced by the next page; an htmx form gets its button back when its answer arrives.
function busy(form) {
  var button = form.querySelector("button[type=submit], button:not([type])");
  if (!button || button.disabled) return;
  button.dataset.idle = button.textContent;
  button.textContent = form.dataset.busy;
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
}
function idle(form) {
  var button = form.querySelector("button[data-idle]");
  if (button) { button.textContent = button.dataset.idle; button.disabled = false; delete button.dataset.idle; }
  form.removeAttribute("aria-busy");
}
// A form with data-confirm asks first (an action that is hard to undo, e.g. a merge); cancelling sends nothing.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-busy]:not([hx-post])")) busy(form);
});
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-busy]")) busy(form);
});
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-busy]")) idle(form);
});
window.addEventListener("pageshow", function (event) {  // back to a page kept in memory: its buttons work again
  if (event.persisted) document.querySelectorAll("form[data-busy]").forEach(idle);
});
