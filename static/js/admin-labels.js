/* The admin's autocomplete (select2) names its combobox only by the chosen value, so an
   empty one has no accessible name: add the field's <label> to what names it. Select2
   builds its boxes after page load (and again for each added inline), hence the observer. */
"use strict";

function nameAutocompleteBoxes() {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const container = select.nextElementSibling;
    if (!label || !container?.classList.contains("select2")) {
      continue;
    }
    label.id ||= `${select.id}_label`;
    for (const box of container.querySelectorAll("[aria-labelledby], [role=textbox]")) {
      const named = (box.getAttribute("aria-labelledby") || box.id).split(" ");
      if (!named.includes(label.id)) {
        box.setAttribute("aria-labelledby", [label.id, ...named].join(" "));
      }
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  nameAutocompleteBoxes();
  new MutationObserver(nameAutocompleteBoxes).observe(document.body, {
    childList: true,
    subtree: true,
  });
});
