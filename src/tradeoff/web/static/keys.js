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
