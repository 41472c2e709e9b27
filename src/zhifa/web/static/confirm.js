// Irreversible acts are confirmed: a form with data-confirm="标题" is sent only after the
// person agrees in the page's <dialog id="confirm-dialog">. What will be frozen or made
// public is shown from data-confirm-body (plain text) and/or the <template> named by
// data-confirm-summary (an element id). data-confirm-ok names the act on the OK button.
// A submit button may carry these attributes itself (a form with two different acts).
// An htmx request (hx-post on a button) carrying data-confirm is held the same way.
// Works under the CSP (script-src 'self'): no inline handlers, no window.confirm.
(() => {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const title = dialog.querySelector("[data-confirm-title]");
  const body = dialog.querySelector("[data-confirm-body]");
  const ok = dialog.querySelector("button[value=ok]");
  const cancel = dialog.querySelector("button[value=cancel]");
  let pending = null; // { form, submitter } or { issue } waiting for the answer

  const fill = (asks) => {
    title.textContent = asks.confirm;
    body.replaceChildren();
    if (asks.confirmBody) {
      const text = document.createElement("p");
      text.textContent = asks.confirmBody;
      body.append(text);
    }
    const summary = asks.confirmSummary && document.getElementById(asks.confirmSummary);
    if (summary instanceof HTMLTemplateElement) body.append(summary.content.cloneNode(true));
    ok.textContent = asks.confirmOk || "确定";
  };

  // Capture phase on window: runs before the form's own listeners (htmx included).
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const asks = [event.submitter, form].find((el) => el && el.dataset.confirm);
    if (!asks) return;
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    ask(asks, { form, submitter: event.submitter });
  }, true);

  const ask = (asks, answer) => {
    pending = answer;
    fill(asks.dataset);
    dialog.returnValue = "";
    dialog.showModal();
    body.scrollTop = 0;
    cancel.focus({ preventScroll: true }); // the safe answer first: Enter or Esc change nothing
  };

  document.addEventListener("htmx:confirm", (event) => {
    const asks = event.detail.elt;
    if (!(asks instanceof HTMLElement) || !asks.dataset.confirm) return;
    event.preventDefault();
    ask(asks, { issue: event.detail.issueRequest, submitter: asks });
  });

  dialog.addEventListener("close", () => {
    const answer = pending;
    pending = null;
    if (!answer) return;
    if (dialog.returnValue === "ok" && answer.issue) {
      answer.issue(true);
    } else if (dialog.returnValue === "ok") {
      answer.form.dataset.confirmed = "yes";
      answer.form.requestSubmit(answer.submitter || undefined);
    } else if (answer.submitter) {
      answer.submitter.focus();
    }
  });

  // A tap on the backdrop (outside the box) is a 取消.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close("cancel");
  });
})();
