// @mention suggestions in a comment box (a textarea with data-mentions='[{"handle": ..., "name": ...}]').
// Typing @ and a few letters lists the members whose name or handle starts with them; the arrow keys choose,
// Enter or Tab writes "@handle ", Escape closes the list. Without JavaScript the box works as a plain textarea.
(function () {
  var SHOWN = 6;
  var TYPED = /(^|[^\w.@])@([\w.%+-]*)$/; // an @ starting a word, and what follows it up to the cursor

  function setUp(box) {
    var people;
    try { people = JSON.parse(box.getAttribute("data-mentions")) || []; } catch (e) { return; }
    if (!people.length) return;
    var list = document.createElement("ul");
    list.id = box.id + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    box.insertAdjacentElement("afterend", list);
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "false");
    var shown = [], active = -1, start = -1;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      shown = [];
      active = -1;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }

    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      box.setAttribute("aria-activedescendant", list.id + "-" + i);
    }

    function choose(i) {
      var person = shown[i];
      if (!person) return;
      var caret = box.selectionStart;
      var text = "@" + person.handle + " ";
      box.value = box.value.slice(0, start) + text + box.value.slice(caret);
      var at = start + text.length;
      box.setSelectionRange(at, at);
      close();
      box.focus();
    }

    function update() {
      var caret = box.selectionStart;
      if (caret !== box.selectionEnd) return close();
      var typed = TYPED.exec(box.value.slice(0, caret));
      if (!typed) return close();
      var q = typed[2].toLowerCase();
      start = caret - typed[2].length - 1;
      shown = people.filter(function (p) {
        var words = (p.name + " " + p.handle).toLowerCase().split(/[\s.@_-]+/);
        return p.handle.indexOf(q) === 0 || words.some(function (w) { return w.indexOf(q) === 0; });
      }).slice(0, SHOWN);
      if (!shown.length) return close();
      list.innerHTML = "";
      shown.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = p.name + " ";
        var handle = document.createElement("span");
        handle.className = "muted";
        handle.textContent = "@" + p.handle;
        li.appendChild(handle);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      mark(0);
    }

    box.addEventListener("input", update);
    box.addEventListener("click", update);
    box.addEventListener("blur", close);
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : shown.length - 1;
        mark((active + step) % shown.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  }

  function scan() {
    document.querySelectorAll("textarea[data-mentions]:not([data-mentions-ready])").forEach(function (box) {
      box.setAttribute("data-mentions-ready", "");
      setUp(box);
    });
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSettle", scan);
})();
