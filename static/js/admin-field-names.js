// The admin's autocomplete fields (Select2) name their combobox by the chosen value alone, so
// an empty one has no name at all (WCAG 4.1.2). Name each by its field's <label> and then its
// value. Loaded on every admin page by templates/admin/base_site.html.
"use strict";
(function () {
  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var widget = select.nextElementSibling;
      if (!label || !widget || !widget.classList.contains("select2")) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var combobox = widget.querySelector('[role="combobox"]');
      var rendered = widget.querySelector(".select2-selection__rendered");
      if (combobox) {
        combobox.setAttribute(
          "aria-labelledby",
          label.id + (rendered && rendered.id ? " " + rendered.id : "")
        );
      }
      // Select2 calls the value shown inside the combobox a read-only textbox, with no name of
      // its own: it is the combobox's text, so it needs no role.
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      widget.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-labelledby", label.id);
      });
    });
  }
  // Select2 builds its widgets when jQuery is ready, and again for each inline row added and
  // each choice made: name them whenever the page's elements change.
  var pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.queueMicrotask(function () {
        pending = false;
        nameAutocompletes();
      });
    }
  }).observe(document.body, { childList: true, subtree: true });
  nameAutocompletes();
})();
