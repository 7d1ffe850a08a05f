// @ts-check
// Runs before first paint (a classic script in <head>): applies the saved
// theme, or the system preference, so the page never flashes the wrong one.
(function () {
  /** @type {string | null} */
  let saved = null;
  try {
    saved = localStorage.getItem("ck.theme");
  } catch {
    /* storage may be disabled */
  }
  const dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
})();
