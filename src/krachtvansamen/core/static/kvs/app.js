// Small behaviour every page may use; no inline scripts or handlers (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // <form data-kvs-action-placeholder="BUURT" data-kvs-action-field="buurt" action=".../BUURT/">: on submit the
  // placeholder in the action becomes the chosen value of that field (a choice that is part of the path).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var placeholder = form.getAttribute("data-kvs-action-placeholder");
    var field = form.elements.namedItem(form.getAttribute("data-kvs-action-field") || "");
    if (!placeholder || !field) return;
    form.action = form.action.replace(placeholder, field.value);
  });
})();
