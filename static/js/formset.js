// A Django formset's blocks: "add" appends a blank block from its <template> (its htmx attributes processed, so its
// charge picker searches); ticking a block's DELETE box folds the block away (the formset skips it on saving).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  const template = document.getElementById(prefix + "-empty");
  const container = document.getElementById(prefix + "-forms");
  const index = parseInt(total.value, 10);
  const html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
  container.insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  const block = container.lastElementChild;
  if (window.htmx) window.htmx.process(block);
  const first = block.querySelector("input:not([type=hidden]):not([type=checkbox])");
  if (first) first.focus();
});

document.addEventListener("change", function (event) {
  const box = event.target.closest("[data-formset-delete]");
  if (!box) return;
  const block = box.closest("[data-formset-form]");
  if (block) block.classList.toggle("defendant-removed", box.checked);
});
