// Submits a form when one of its selects marked data-submit-on-change changes (the language switch):
// a handler in a file, since the Content-Security-Policy allows no inline script.
document.addEventListener("change", function (event) {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) select.form.submit();
});
