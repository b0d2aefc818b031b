// <select data-searchable>: a long select becomes searchable (Tom Select, vendored in vendor/tom-select/).
// Option groups are kept, so a grouped list (the current plan's indicators first) stays grouped while
// filtering. Wired on page load and on every htmx swap; a select already enhanced is skipped.
(function () {
  function enhance(root) {
    if (typeof window.TomSelect === "undefined" || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("select[data-searchable]").forEach(function (el) {
      if (el.tomselect) {
        return;
      }
      new window.TomSelect(el, {
        maxOptions: null,
        allowEmptyOption: true,
        searchField: ["text", "optgroup"],
        plugins: el.multiple ? ["remove_button"] : [],
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
