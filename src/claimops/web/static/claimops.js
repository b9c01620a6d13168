// Workbench behaviour, no dependencies: confirm irreversible steps, and keep a form from being sent
// twice by a double click (the server is idempotent as well: payments carry an Idempotency-Key).
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  // After the browser has taken the submitter's value, so the request is unchanged.
  window.setTimeout(() => form.querySelectorAll("button").forEach((b) => { b.disabled = true; }), 0);
});

// Back/forward cache: a page restored from history must be usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach((form) => {
    delete form.dataset.sending;
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  });
});

// A select that applies itself (the CSP allows no inline event handlers).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
