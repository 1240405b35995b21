// Solutions and hints are closed on screen and open on paper: open every one before
// printing and restore each afterwards.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details.solution, details.hint")) {
    details.dataset.openOnScreen = details.open;
    details.open = true;
  }
});
window.addEventListener("afterprint", () => {
  for (const details of document.querySelectorAll("details.solution, details.hint")) {
    details.open = details.dataset.openOnScreen === "true";
  }
});

// Opened from disk (file://), the browser refuses to fetch other pages, so
// search results cannot show a snippet of each page: list the pages only.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
