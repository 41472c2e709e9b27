// A refused form shows every message beside its field: the page's error notice lists
// them (<li data-field="name">), and each is repeated under the field of that name
// (by id, else by name), which is marked invalid and described by its message.
(() => {
  const controlOf = (name) => {
    const byId = document.getElementById(name);
    if (byId && byId.matches("input, select, textarea")) return byId;
    return document.querySelector(`main form [name="${CSS.escape(name)}"]`);
  };
  for (const item of document.querySelectorAll(".notice.error [data-field]")) {
    const name = item.dataset.field;
    const control = controlOf(name);
    // a page that already shows the message beside the field (server-side) keeps it
    if (!control || control.getAttribute("aria-invalid") === "true") continue;
    const message = document.createElement("p");
    message.className = "field-error";
    message.id = `field-error-${name}`;
    message.textContent = item.textContent;
    const group = control.matches("[type=checkbox], [type=radio]")
      ? control.closest(".checks, fieldset") || control.closest("label") || control
      : control;
    group.after(message);
    for (const each of document.querySelectorAll(`main form [name="${CSS.escape(name)}"]`)) {
      each.setAttribute("aria-invalid", "true");
      const described = each.getAttribute("aria-describedby");
      each.setAttribute("aria-describedby", described ? `${described} ${message.id}` : message.id);
    }
  }
})();
