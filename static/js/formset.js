// Adds a blank defendant form to a Django formset from its <template>, and filters long charge lists; ticking a
// block's DELETE box folds the block away (the formset skips it on saving).
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
});

document.addEventListener("input", function (event) {
  const box = event.target.closest("[data-filter-select]");
  if (!box) return;
  const select = document.getElementById(box.dataset.filterSelect);
  const needle = box.value.trim();
  for (const option of select.options) {
    option.hidden = needle !== "" && !option.text.includes(needle) && !option.selected;
  }
});

document.addEventListener("change", function (event) {
  const box = event.target.closest("[data-formset-delete]");
  if (!box) return;
  const block = box.closest("[data-formset-form]");
  if (block) block.classList.toggle("defendant-removed", box.checked);
});
