// The charge picker (templates/sealing/_charge_picker.html): htmx fills the list of matches as the clerk types;
// this file lets the clerk choose one (click, or arrow keys and Enter) as a chip holding a hidden input, and
// remove a chip. A combobox with aria-activedescendant, so screen readers follow the highlighted match.
(function () {
  function parts(element) {
    const picker = element.closest("[data-charge-picker]");
    if (!picker) return null;
    return {
      picker: picker,
      box: picker.querySelector("[data-charge-search]"),
      list: picker.querySelector("[data-charge-options]"),
      chips: picker.querySelector("[data-charge-chips]"),
      template: picker.querySelector("template[data-charge-chip-template]"),
    };
  }

  function choices(p) {
    return Array.from(p.list.querySelectorAll("[data-charge-option]"));
  }

  function chosen(p) {
    return Array.from(p.chips.querySelectorAll("input[type=hidden]")).map(function (input) { return input.value; });
  }

  function close(p) {
    p.list.replaceChildren();
    p.box.setAttribute("aria-expanded", "false");
    p.box.removeAttribute("aria-activedescendant");
  }

  function highlight(p, option) {
    choices(p).forEach(function (o) {
      const on = o === option;
      o.classList.toggle("active", on);
      o.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (option) {
      p.box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.box.removeAttribute("aria-activedescendant");
    }
  }

  function pick(p, option) {
    const id = option.dataset.chargeOption;
    if (chosen(p).indexOf(id) === -1) {
      const chip = p.template.content.firstElementChild.cloneNode(true);
      chip.querySelector("input[type=hidden]").value = id;
      chip.querySelector("[data-charge-chip-name]").textContent = option.dataset.chargeName;
      const remove = chip.querySelector("[data-charge-chip-remove]");
      remove.setAttribute("aria-label", remove.getAttribute("aria-label").replace("__charge__", option.dataset.chargeName));
      p.chips.appendChild(chip);
    }
    p.box.value = "";
    p.box.classList.remove("is-invalid");
    close(p);
    p.box.focus();
  }

  // a new list of matches: each gets an id (for aria-activedescendant); one already chosen is marked
  document.addEventListener("htmx:afterSwap", function (event) {
    const p = parts(event.detail.target);
    if (!p || event.detail.target !== p.list) return;
    // a late answer: the box was emptied (a choice was made) or left meanwhile
    if (p.box.value.trim() === "" || document.activeElement !== p.box) { close(p); return; }
    const taken = chosen(p);
    choices(p).forEach(function (option) {
      option.id = p.list.id + "-" + option.dataset.chargeOption;
      if (taken.indexOf(option.dataset.chargeOption) !== -1) option.classList.add("text-muted");
    });
    p.box.setAttribute("aria-expanded", p.list.children.length ? "true" : "false");
    p.box.removeAttribute("aria-activedescendant");
  });

  document.addEventListener("keydown", function (event) {
    const box = event.target.closest("[data-charge-search]");
    if (!box) return;
    const p = parts(box);
    const options = choices(p);
    const current = options.findIndex(function (o) { return o.classList.contains("active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(p, options[(current + step + options.length) % options.length]);
    } else if (event.key === "Enter") {
      // Enter in the search box chooses, it never submits the case form half-filled
      if (box.value.trim() === "" && !options.length) return;
      event.preventDefault();
      const option = current >= 0 ? options[current] : (options.length === 1 ? options[0] : null);
      if (option) pick(p, option);
    } else if (event.key === "Escape" && options.length) {
      event.preventDefault();
      close(p);
    }
  });

  // a press on a match must not take the focus from the box before the click chooses it
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest("[data-charge-option]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const option = event.target.closest("[data-charge-option]");
    if (option) {
      pick(parts(option), option);
      return;
    }
    const remove = event.target.closest("[data-charge-chip-remove]");
    if (remove) {
      const p = parts(remove);
      remove.closest("[data-charge-chip]").remove();
      p.box.focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    const box = event.target.closest("[data-charge-search]");
    if (!box) return;
    const p = parts(box);
    if (event.relatedTarget && p.picker.contains(event.relatedTarget)) return;
    close(p);
  });
})();
