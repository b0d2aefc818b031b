// Page behaviour that used to be inline handlers: the Content-Security-Policy allows scripts from files only.
(function () {
  // <select data-autosubmit>: submit its form when the choice changes (year, plan, language pickers).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();  // as the inline handler did: a plain navigation, no htmx swap
    }
  });
  // The side menu on a phone: folded behind its button until opened (wide screens always show it).
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".qc-menu-toggle");
    if (!toggle) { return; }
    var aside = toggle.closest(".qc-sidebar");
    aside.classList.add("qc-menu-folded");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var folded = aside.classList.toggle("qc-menu-folded");
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
    });
  });
  // <button data-confirm="…">: ask before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
