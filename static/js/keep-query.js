// Links marked data-keep-query (the case list's exports) carry the page's current filters: after an htmx search
// the address bar holds the new query string, the links' href still the one the page was served with.
document.addEventListener("click", function (event) {
  const link = event.target.closest("a[data-keep-query]");
  if (!link) return;
  const url = new URL(link.href, window.location.href);
  const format = url.searchParams.get("format");
  const params = new URLSearchParams(window.location.search);
  params.delete("page");
  if (format) params.set("format", format);
  url.search = params.toString();
  link.href = url.toString();
});
