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
